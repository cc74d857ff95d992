import * as os from 'node:os';
import { ProcessSpec, runProcess } from './process-runner';
import { findOnPath } from './path-lookup';
import { isAlive } from '../../../test/support/process-state';

const PATH = process.env.PATH ?? '/usr/bin:/bin';
const sh = findOnPath('sh', PATH)!;

function spec(argv: string[], overrides: Partial<ProcessSpec> = {}): ProcessSpec {
  return {
    file: argv[0].includes('/') ? argv[0] : (findOnPath(argv[0], PATH) ?? argv[0]),
    argv,
    cwd: os.tmpdir(),
    env: { PATH },
    timeoutMs: 10_000,
    maxOutputBytes: 1024,
    ...overrides,
  };
}

async function waitUntilDead(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

describe('runProcess', () => {
  it('runs argv directly: no shell expands anything', async () => {
    // Act
    const outcome = await runProcess(spec(['echo', '$HOME', '*', '`id`']));
    // Assert
    expect(outcome).toEqual({
      exitCode: 0,
      signal: null,
      stdout: '$HOME * `id`\n',
      stderr: '',
      timedOut: false,
      truncated: { stdout: false, stderr: false },
    });
  });

  it('reports the exit code and both streams', async () => {
    const outcome = await runProcess(spec([sh, '-c', 'echo out; echo err >&2; exit 7']));
    expect(outcome).toMatchObject({ exitCode: 7, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  });

  it('caps each stream at the limit, flags it, and still reads to the end', async () => {
    // Arrange: far more than a pipe buffer, so a writer that was not drained would block until the timeout.
    const argv = [sh, '-c', 'head -c 300000 /dev/zero | tr "\\0" a; head -c 10 /dev/zero | tr "\\0" b >&2; echo done >&2'];
    // Act
    const outcome = await runProcess(spec(argv, { maxOutputBytes: 1000, timeoutMs: 5_000 }));
    // Assert
    expect(outcome.timedOut).toBe(false);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout).toBe('a'.repeat(1000));
    expect(outcome.stderr).toBe('bbbbbbbbbbdone\n');
    expect(outcome.truncated).toEqual({ stdout: true, stderr: false });
  });

  it('does not flag output of exactly the limit', async () => {
    const outcome = await runProcess(spec([sh, '-c', 'printf 12345'], { maxOutputBytes: 5 }));
    expect(outcome).toMatchObject({ stdout: '12345', truncated: { stdout: false, stderr: false } });
  });

  it('kills the command and its process group on timeout', async () => {
    // Arrange
    const startedAt = Date.now();
    // Act
    const outcome = await runProcess(spec([sh, '-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 300 }));
    // Assert
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(outcome).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
    const background = Number(outcome.stdout.trim());
    expect(background).toBeGreaterThan(0);
    expect(await waitUntilDead(background, 2_000)).toBe(true);
  });

  it('follows SIGTERM with SIGKILL when the command ignores it', async () => {
    // Act
    const outcome = await runProcess(
      spec([sh, '-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'], { timeoutMs: 300, killGraceMs: 200 }),
    );
    // Assert
    expect(outcome).toMatchObject({ timedOut: true, signal: 'SIGKILL', stdout: 'ready\n' });
  });

  it('ends the command when the signal aborts', async () => {
    // Arrange
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    // Act
    const outcome = await runProcess(spec(['sleep', '30'], { signal: controller.signal }));
    // Assert
    expect(outcome).toMatchObject({ timedOut: false, signal: 'SIGTERM' });
  });

  it('does not wait for a background process that keeps the pipes open', async () => {
    // Arrange
    const startedAt = Date.now();
    // Act
    const outcome = await runProcess(spec([sh, '-c', 'sleep 3 & echo started'], { timeoutMs: 10_000 }));
    // Assert
    expect(outcome).toMatchObject({ exitCode: 0, stdout: 'started\n', timedOut: false });
    expect(Date.now() - startedAt).toBeLessThan(2_500);
  });

  it.each([
    ['ENOENT', '/no/such/program'],
    ['EACCES', os.tmpdir()],
  ])('reports %s when the program cannot be started', async (code, file) => {
    const outcome = await runProcess(spec([file]));
    expect(outcome).toMatchObject({ exitCode: null, spawnError: code, stdout: '', stderr: '' });
  });

  it('passes only the given environment', async () => {
    const outcome = await runProcess(spec(['env'], { env: { PATH, ONLY: 'this' } }));
    expect(outcome.stdout.split('\n').filter(Boolean).sort()).toEqual([`ONLY=this`, `PATH=${PATH}`]);
  });
});
