import { InvokeError } from '../invoke-errors';
import type { InvokeContext } from '../invoke-types';
import { systemWhichCommand } from './system-which';

const context: InvokeContext = { signal: new AbortController().signal, note: () => undefined };
const probe = { isExecutableFile: (file: string) => ['/usr/bin/git', '/opt/bin/git', '/usr/local/bin/ffmpeg'].includes(file) };

describe(systemWhichCommand.name, () => {
  const command = systemWhichCommand({ pathEnv: '/opt/bin:/usr/bin:/usr/local/bin', probe });

  it('maps each name to its first match on PATH, or null', async () => {
    await expect(command.run({ bins: ['git', 'ffmpeg', 'nope'] }, context)).resolves.toEqual({
      bins: { git: '/opt/bin/git', ffmpeg: '/usr/local/bin/ffmpeg', nope: null },
    });
  });

  it('checks an absolute path as it is, and never a relative one', async () => {
    await expect(
      command.run({ bins: ['/usr/bin/git', '/usr/bin/../bin/git', 'bin/git', '/usr/bin/nope'] }, context),
    ).resolves.toEqual({
      bins: { '/usr/bin/git': '/usr/bin/git', '/usr/bin/../bin/git': '/usr/bin/git', 'bin/git': null, '/usr/bin/nope': null },
    });
  });

  it('answers an empty list with an empty map', async () => {
    await expect(command.run({ bins: [] }, context)).resolves.toEqual({ bins: {} });
  });

  it.each<[unknown, RegExp]>([
    [{}, /bins must be an array of strings/],
    [{ bins: 'git' }, /bins must be an array of strings/],
    [{ bins: ['git', 2] }, /bins\[1\] must be a string/],
    [{ bins: Array.from({ length: 257 }, (_, i) => `b${i}`) }, /at most 256/],
    [{ bins: [], extra: 1 }, /unknown param "extra"/],
  ])('refuses %p with INVALID_PARAMS', async (params, message) => {
    const error = await command.run(params, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(message) });
  });
});
