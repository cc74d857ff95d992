import { InvokeError } from '../invoke-errors';
import type { InvokeContext } from '../invoke-types';
import { Notification, systemNotifyCommand } from './system-notify';

const context: InvokeContext = { signal: new AbortController().signal, note: () => undefined };

describe(systemNotifyCommand.name, () => {
  it('hands the notification to the log and says it went there', async () => {
    // Arrange
    const delivered: Notification[] = [];
    const command = systemNotifyCommand((n) => delivered.push(n));
    // Act
    const result = await command.run({ title: 'Build', body: 'done' }, context);
    // Assert
    expect(result).toEqual({ delivered: true, via: 'log' });
    expect(delivered).toEqual([{ title: 'Build', body: 'done' }]);
  });

  it('accepts a title or a body alone', async () => {
    const delivered: Notification[] = [];
    const command = systemNotifyCommand((n) => delivered.push(n));
    await command.run({ title: 'only title' }, context);
    await command.run({ body: 'only body' }, context);
    expect(delivered).toEqual([
      { title: 'only title', body: '' },
      { title: '', body: 'only body' },
    ]);
  });

  it.each<[unknown, RegExp]>([
    [{}, /title or body must be a non-empty string/],
    [{ title: '', body: '' }, /title or body/],
    [{ title: 1 }, /title must be a string/],
    [{ title: 'x'.repeat(4_097) }, /title is longer than 4096/],
    [{ title: 'x', sound: true }, /unknown param "sound"/],
  ])('refuses %p with INVALID_PARAMS', async (params, message) => {
    const deliver = jest.fn();
    const error = await systemNotifyCommand(deliver)
      .run(params, context)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringMatching(message) });
    expect(deliver).not.toHaveBeenCalled();
  });
});
