import { ExecApprovalsState } from './exec-approvals';
import { decideExec, ExecPolicy, ExecRequest } from './exec-policy';

const FILE = '/state/exec-approvals.json';
const onPath: Record<string, string> = { echo: '/usr/bin/echo', uptime: '/usr/bin/uptime' };
const resolveApproved = (name: string) => onPath[name];

const ok = (...commands: string[]): ExecApprovalsState => ({
  status: 'ok',
  file: FILE,
  allow: commands.map((command) => ({ command })),
});
const missing: ExecApprovalsState = { status: 'missing', file: FILE };
const invalid: ExecApprovalsState = { status: 'invalid', file: FILE, problem: 'it is not valid JSON (Unexpected end)' };

const run = (argv0: string, resolvedPath: string | undefined, codeLoadingEnv: string[] = []): ExecRequest => ({
  argv0,
  resolvedPath,
  codeLoadingEnv,
});

describe(decideExec.name, () => {
  it.each<[string, ExecPolicy, ExecRequest, ExecApprovalsState, boolean]>([
    ['full allows anything', 'full', run('/tmp/x', '/tmp/x', ['LD_PRELOAD']), missing, true],
    ['deny refuses even an approved program', 'deny', run('echo', '/usr/bin/echo'), ok('echo'), false],
    ['allowlist: a bare approval matches the bare name', 'allowlist', run('echo', '/usr/bin/echo'), ok('echo'), true],
    [
      'allowlist: a bare approval matches the absolute path it resolves to',
      'allowlist',
      run('/usr/bin/echo', '/usr/bin/echo'),
      ok('echo'),
      true,
    ],
    [
      'allowlist: a bare approval does not match the same name elsewhere',
      'allowlist',
      run('/tmp/evil/echo', '/tmp/evil/echo'),
      ok('echo'),
      false,
    ],
    [
      'allowlist: a bare name resolved through another PATH does not match',
      'allowlist',
      run('echo', '/tmp/evil/echo'),
      ok('echo'),
      false,
    ],
    ['allowlist: a path approval matches exactly', 'allowlist', run('uptime', '/usr/bin/uptime'), ok('/usr/bin/uptime'), true],
    [
      'allowlist: a path approval is normalised',
      'allowlist',
      run('uptime', '/usr/bin/uptime'),
      ok('/usr/./bin/../bin/uptime'),
      true,
    ],
    ['allowlist: an unlisted program is refused', 'allowlist', run('uptime', '/usr/bin/uptime'), ok('echo'), false],
    ['allowlist: a program not found is refused', 'allowlist', run('nope', undefined), ok('nope'), false],
    ['allowlist: an approval not on PATH matches nothing', 'allowlist', run('/opt/tool', '/opt/tool'), ok('tool'), false],
    ['allowlist: a missing file allows nothing', 'allowlist', run('echo', '/usr/bin/echo'), missing, false],
    ['allowlist: an invalid file allows nothing', 'allowlist', run('echo', '/usr/bin/echo'), invalid, false],
    [
      'allowlist: loader env refuses an approved program',
      'allowlist',
      run('echo', '/usr/bin/echo', ['LD_PRELOAD']),
      ok('echo'),
      false,
    ],
  ])('%s', (_name, policy, request, approvals, allowed) => {
    expect(decideExec(policy, request, () => approvals, resolveApproved).allowed).toBe(allowed);
  });

  it('reads the approvals only under the allowlist policy', () => {
    // Arrange
    const approvals = jest.fn(() => ok('echo'));
    // Act
    decideExec('deny', run('echo', undefined), approvals, resolveApproved);
    decideExec('full', run('echo', undefined), approvals, resolveApproved);
    // Assert
    expect(approvals).not.toHaveBeenCalled();
  });

  it.each<[string, ExecPolicy, ExecRequest, ExecApprovalsState, RegExp[]]>([
    ['deny', 'deny', run('echo', undefined), missing, [/policy "deny"/, /--exec allowlist/, /--exec full/]],
    [
      'a missing file',
      'allowlist',
      run('echo', '/usr/bin/echo'),
      missing,
      [/policy "allowlist"/, /no approvals file/, /create \/state\/exec-approvals\.json/, /"version":1/],
    ],
    ['an invalid file', 'allowlist', run('echo', '/usr/bin/echo'), invalid, [/not valid JSON/, /Fix it/, /nothing is allowed/]],
    [
      'an unlisted program',
      'allowlist',
      run('uptime', '/usr/bin/uptime'),
      ok('echo'),
      [
        /"uptime" \(\/usr\/bin\/uptime\) is not approved/,
        /add \{"command":"\/usr\/bin\/uptime"\} to "allow" in \/state\/exec-approvals\.json/,
      ],
    ],
    ['a program not on PATH', 'allowlist', run('nope', undefined), ok(), [/"nope" \(not found on PATH\)/]],
    [
      'loader env',
      'allowlist',
      run('echo', '/usr/bin/echo', ['LD_PRELOAD', 'NODE_OPTIONS']),
      ok('echo'),
      [/env LD_PRELOAD, NODE_OPTIONS/, /--exec full/],
    ],
  ])('says which policy refused %s and how to allow it', (_name, policy, request, approvals, patterns) => {
    // Act
    const decision = decideExec(policy, request, () => approvals, resolveApproved);
    // Assert
    expect(decision.allowed).toBe(false);
    const message = (decision as { message: string }).message;
    expect(message).toMatch(/^system\.run refused by the node's exec policy/);
    for (const pattern of patterns) expect(message).toMatch(pattern);
  });
});
