import type { ExecApprovalsState } from '../../common/exec/exec-approvals-store';
import type { ExecPolicy } from '../exec-policy';
import type { ProcessOutcome, ProcessSpec } from '../../common/exec/process-runner';
import { InvokeError } from '../invoke-errors';
import type { InvokeContext } from '../invoke-types';
import { DEFAULT_RUN_TIMEOUT_MS, MAX_OUTPUT_BYTES, parseSystemRunParams, SystemRunDeps, systemRunCommand } from './system-run';

const FILE = '/state/exec-approvals.json';
const EXECUTABLES = ['/usr/bin/echo', '/usr/bin/uptime', '/evil/echo'];

const finished: ProcessOutcome = {
  exitCode: 0,
  signal: null,
  stdout: 'hi\n',
  stderr: '',
  timedOut: false,
  truncated: { stdout: false, stderr: false },
};

function setup(policy: ExecPolicy, overrides: Partial<SystemRunDeps> = {}) {
  const runs: ProcessSpec[] = [];
  const notes: string[] = [];
  const approvals = jest.fn((): ExecApprovalsState => ({
    status: 'ok',
    file: FILE,
    approvals: { version: 1, agents: { '*': { allowlist: [{ pattern: 'echo' }] } } },
    allow: [{ pattern: 'echo' }],
    legacy: false,
    raw: '',
  }));
  const deps: SystemRunDeps = {
    policy,
    loadApprovals: approvals,
    runProcess: async (spec) => {
      runs.push(spec);
      return finished;
    },
    baseEnv: { PATH: '/usr/bin', HOME: '/home/node' },
    defaultCwd: '/home/node',
    isDirectory: (dir) => ['/home/node', '/tmp'].includes(dir),
    isExecutableFile: (file) => EXECUTABLES.includes(file),
    ...overrides,
  };
  const controller = new AbortController();
  const context: InvokeContext = { signal: controller.signal, note: (text) => notes.push(text) };
  return { command: systemRunCommand(deps), runs, notes, approvals, context };
}

async function refusal(promise: Promise<unknown>): Promise<InvokeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvokeError);
  return error as InvokeError;
}

describe(parseSystemRunParams.name, () => {
  it('reads argv, cwd, env and timeout', () => {
    expect(parseSystemRunParams({ command: ['ls', '-l'], cwd: '/tmp', env: { A: '1' }, timeoutMs: 500 })).toEqual({
      command: ['ls', '-l'],
      cwd: '/tmp',
      env: { A: '1' },
      timeoutMs: 500,
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['no params', undefined, /command must be a non-empty array of strings/],
    ['params that are not an object', ['ls'], /params must be a JSON object/],
    ['a command string', { command: 'ls -l' }, /command must be a non-empty array of strings \(argv/],
    ['an empty argv', { command: [] }, /command must be a non-empty array/],
    ['a non-string argument', { command: ['ls', 1] }, /command\[1\] must be a string/],
    ['an empty program', { command: [''] }, /command\[0\] must name the program/],
    ['a NUL byte', { command: ['ls', 'a\u0000b'] }, /command\[1\] must not contain a NUL byte/],
    ['a non-string cwd', { command: ['ls'], cwd: 1 }, /cwd must be a string/],
    ['env values that are not strings', { command: ['ls'], env: { A: 1 } }, /env\.A must be a string/],
    ['an env key that is not a name', { command: ['ls'], env: { 'A=B': 'x' } }, /env key "A=B" is not a valid variable name/],
    ['env as an array', { command: ['ls'], env: ['A=1'] }, /env must be an object of string values/],
    ['a zero timeout', { command: ['ls'], timeoutMs: 0 }, /timeoutMs must be a positive whole number/],
    ['a fractional timeout', { command: ['ls'], timeoutMs: 1.5 }, /timeoutMs must be a positive whole number/],
    ['an unknown key', { command: ['ls'], shell: true }, /unknown param "shell"/],
  ])('refuses %s with INVALID_PARAMS naming the field', (_name, params, message) => {
    // Act
    let error: unknown;
    try {
      parseSystemRunParams(params);
    } catch (e) {
      error = e;
    }
    // Assert
    expect(error).toBeInstanceOf(InvokeError);
    expect((error as InvokeError).code).toBe('INVALID_PARAMS');
    expect((error as InvokeError).message).toMatch(message);
  });
});

describe(systemRunCommand.name, () => {
  it('runs an allowed program by its resolved path, keeping argv[0], with the defaults', async () => {
    // Arrange
    const { command, runs, context } = setup('allowlist');
    // Act
    const result = await command.run({ command: ['echo', 'hi'] }, context);
    // Assert
    expect(result).toEqual({
      exitCode: 0,
      stdout: 'hi\n',
      stderr: '',
      timedOut: false,
      truncated: { stdout: false, stderr: false },
    });
    expect(runs).toEqual([
      {
        file: '/usr/bin/echo',
        argv: ['echo', 'hi'],
        cwd: '/home/node',
        env: { PATH: '/usr/bin', HOME: '/home/node' },
        timeoutMs: DEFAULT_RUN_TIMEOUT_MS,
        maxOutputBytes: MAX_OUTPUT_BYTES,
        signal: context.signal,
      },
    ]);
  });

  it('merges the request env over the base and uses the request cwd', async () => {
    const { command, runs, context } = setup('full');
    await command.run({ command: ['echo'], cwd: '/tmp', env: { HOME: '/tmp', X: '1' } }, context);
    expect(runs[0]).toMatchObject({ cwd: '/tmp', env: { PATH: '/usr/bin', HOME: '/tmp', X: '1' } });
  });

  it.each<[string, number | undefined, number | undefined, number]>([
    ['the default', undefined, undefined, DEFAULT_RUN_TIMEOUT_MS],
    ['the params timeout', 1_000, undefined, 1_000],
    ["the gateway's deadline, less a margin for the result, when shorter", 60_000, 5_000, 3_500],
    ['the params timeout when shorter than the deadline', 1_000, 5_000, 1_000],
    ['the deadline over the default', undefined, 10_000, 8_500],
    ['half of a deadline too short for the margin', undefined, 2_000, 1_000],
  ])('bounds the run by %s', async (_name, timeoutMs, deadlineMs, expected) => {
    const { command, runs, context } = setup('full');
    await command.run({ command: ['echo'], ...(timeoutMs ? { timeoutMs } : {}) }, { ...context, deadlineMs });
    expect(runs[0].timeoutMs).toBe(expected);
  });

  it('refuses under deny without reading approvals or looking for the program', async () => {
    // Arrange
    const isExecutableFile = jest.fn(() => true);
    const { command, runs, approvals, context, notes } = setup('deny', { isExecutableFile });
    // Act
    const error = await refusal(command.run({ command: ['echo', 'hi'] }, context));
    // Assert
    expect(error.code).toBe('EXEC_DENIED');
    expect(error.message).toContain('"deny"');
    expect(runs).toHaveLength(0);
    expect(approvals).not.toHaveBeenCalled();
    expect(isExecutableFile).not.toHaveBeenCalled();
    expect(notes).toEqual(['echo: refused by the deny policy']);
  });

  it('still validates params under deny', async () => {
    const { command, context } = setup('deny');
    expect((await refusal(command.run({ command: 'echo' }, context))).code).toBe('INVALID_PARAMS');
  });

  it('refuses under allowlist a program that only shares an approved name', async () => {
    const { command, runs, context } = setup('allowlist');
    const error = await refusal(command.run({ command: ['/evil/echo'] }, context));
    expect(error.code).toBe('EXEC_DENIED');
    expect(runs).toHaveLength(0);
  });

  it('refuses under allowlist a PATH override that swaps the program', async () => {
    const { command, runs, context } = setup('allowlist');
    const error = await refusal(command.run({ command: ['echo'], env: { PATH: '/evil' } }, context));
    expect(error.message).toContain('PATH is not one of the variables a command may be given');
    expect(runs).toHaveLength(0);
  });

  it('refuses under allowlist loader variables', async () => {
    const { command, context } = setup('allowlist');
    const error = await refusal(command.run({ command: ['echo'], env: { LD_PRELOAD: '/tmp/x.so' } }, context));
    expect(error.message).toContain('env refused: LD_PRELOAD is not one of the variables');
  });

  it('re-reads the approvals on every call', async () => {
    const { command, approvals, context } = setup('allowlist');
    await command.run({ command: ['echo'] }, context);
    await command.run({ command: ['echo'] }, context);
    expect(approvals).toHaveBeenCalledTimes(2);
  });

  it('answers a cwd that is not a directory with INVALID_PARAMS', async () => {
    const { command, context } = setup('full');
    const error = await refusal(command.run({ command: ['echo'], cwd: '/nope' }, context));
    expect(error).toMatchObject({ code: 'INVALID_PARAMS', message: 'cwd "/nope" is not a directory on this node' });
  });

  it('answers a program missing from PATH like a shell: exit 127', async () => {
    const { command, runs, context, notes } = setup('full');
    const result = await command.run({ command: ['nope', 'x'] }, context);
    expect(result).toEqual({
      exitCode: 127,
      stdout: '',
      stderr: "nope: command not found on this node's PATH\n",
      timedOut: false,
      truncated: { stdout: false, stderr: false },
    });
    expect(runs).toHaveLength(0);
    expect(notes).toEqual(['nope: not found on PATH (exit 127)']);
  });

  it.each<[string, number, RegExp]>([
    ['ENOENT', 127, /no such file/],
    ['EACCES', 126, /permission denied/],
    ['EPERM', 126, /could not be started \(EPERM\)/],
  ])('maps a %s start failure to exit %d', async (spawnError, exitCode, stderr) => {
    const { command, context } = setup('full', {
      runProcess: async () => ({ ...finished, exitCode: null, stdout: '', spawnError }),
    });
    const result = await command.run({ command: ['./run.sh'] }, context);
    expect(result).toMatchObject({ exitCode, stderr: expect.stringMatching(stderr) });
  });

  it('passes timeouts, signals and truncation through', async () => {
    // Arrange
    const outcome: ProcessOutcome = {
      exitCode: null,
      signal: 'SIGKILL',
      stdout: 'x',
      stderr: '',
      timedOut: true,
      truncated: { stdout: true, stderr: false },
    };
    const { command, context, notes } = setup('full', { runProcess: async () => outcome });
    // Act
    const result = await command.run({ command: ['echo'] }, context);
    // Assert
    expect(result).toEqual({
      exitCode: null,
      signal: 'SIGKILL',
      stdout: 'x',
      stderr: '',
      timedOut: true,
      truncated: { stdout: true, stderr: false },
    });
    expect(notes).toEqual(['/usr/bin/echo timed out (SIGKILL)']);
  });
});

describe('systemRunCommand under the ask policy', () => {
  const allowOnce = { decision: 'allow-once' as const, reason: 'decided' as const, decidedBy: 'cli' };

  function askSetup(
    answer: () => Promise<{
      decision: 'allow-once' | 'allow-always' | 'deny';
      reason: 'decided' | 'expired' | 'withdrawn';
      decidedBy: string | null;
    }>,
  ) {
    const requestApproval = jest.fn(answer);
    const recordApproval = jest.fn();
    const setupResult = setup('ask', { requestApproval, recordApproval });
    return { ...setupResult, requestApproval, recordApproval };
  }

  it('runs an approved program without asking', async () => {
    const { command, context, requestApproval, runs } = askSetup(async () => allowOnce);
    await command.run({ command: ['echo', 'hi'] }, context);
    expect(requestApproval).not.toHaveBeenCalled();
    expect(runs).toHaveLength(1);
  });

  it('asks for an unknown program, bounded by the gateway deadline, and runs it once when allowed', async () => {
    const { command, context, requestApproval, recordApproval, runs } = askSetup(async () => allowOnce);
    await command.run({ command: ['uptime', '-p'], cwd: '/tmp', env: { TERM: 'dumb' } }, { ...context, deadlineMs: 60_000 });
    expect(requestApproval).toHaveBeenCalledWith(
      { argv: ['uptime', '-p'], cwd: '/tmp', env: { TERM: 'dumb' }, resolvedPath: '/usr/bin/uptime', timeoutMs: 55_000 },
      context.signal,
    );
    expect(recordApproval).not.toHaveBeenCalled();
    expect(runs[0].file).toBe('/usr/bin/uptime');
  });

  it('records allow-always in the approvals file and runs', async () => {
    const { command, context, recordApproval, runs } = askSetup(async () => ({ ...allowOnce, decision: 'allow-always' }));
    await command.run({ command: ['uptime', '-p'] }, context);
    expect(recordApproval).toHaveBeenCalledWith('/usr/bin/uptime', ['-p'], 'cli');
    expect(runs).toHaveLength(1);
  });

  it.each([
    [
      { decision: 'deny', reason: 'decided', decidedBy: 'telegram:42' },
      /"uptime" \(\/usr\/bin\/uptime\) was denied by telegram:42/,
    ],
    [
      { decision: 'deny', reason: 'expired', decidedBy: null },
      /nobody approved "uptime" \(\/usr\/bin\/uptime\) before the approval request expired/,
    ],
  ] as const)('refuses with EXEC_DENIED when the answer is deny (%o)', async (answer, message) => {
    const { command, context, runs } = askSetup(async () => answer);
    const error = await refusal(command.run({ command: ['uptime'] }, context));
    expect(error.code).toBe('EXEC_DENIED');
    expect(error.message).toMatch(message);
    expect(runs).toHaveLength(0);
  });

  it('refuses without asking when the env could load other code', async () => {
    const { command, context, requestApproval } = askSetup(async () => allowOnce);
    expect((await refusal(command.run({ command: ['uptime'], env: { LD_PRELOAD: '/x.so' } }, context))).code).toBe('EXEC_DENIED');
    expect(requestApproval).not.toHaveBeenCalled();
  });

  it('refuses when the gateway cannot be asked', async () => {
    const { command, context } = askSetup(async () => {
      throw new Error('unknown method');
    });
    expect((await refusal(command.run({ command: ['uptime'] }, context))).message).toMatch(/could not be put to the operators/);
  });
});
