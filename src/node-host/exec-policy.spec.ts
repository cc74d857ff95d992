import type { ExecAllowlistEntry } from '../common/exec/exec-approvals-file';
import type { ExecApprovalsState } from '../common/exec/exec-approvals-store';
import { decideExec, ExecPolicy, ExecRequest } from './exec-policy';

const FILE = '/state/exec-approvals.json';
const onPath: Record<string, string> = { echo: '/usr/bin/echo', uptime: '/usr/bin/uptime' };
const resolveApproved = (name: string) => onPath[name];

const state = (allow: ExecAllowlistEntry[]): ExecApprovalsState => ({
  status: 'ok',
  file: FILE,
  approvals: { version: 1, agents: { '*': { allowlist: allow } } },
  allow,
  legacy: false,
  raw: '',
});
const ok = (...patterns: string[]): ExecApprovalsState => state(patterns.map((pattern) => ({ pattern })));
const missing: ExecApprovalsState = { status: 'missing', file: FILE };
const invalid: ExecApprovalsState = { status: 'invalid', file: FILE, problem: 'it is not valid JSON (Unexpected end)' };

const run = (
  argv0: string,
  resolvedPath: string | undefined,
  env?: Record<string, string>,
  args: string[] = [],
): ExecRequest => ({ argv0, args, resolvedPath, env });
const entries = (...allow: ExecAllowlistEntry[]): ExecApprovalsState => state(allow);

describe(decideExec.name, () => {
  it.each<[string, ExecPolicy, ExecRequest, ExecApprovalsState, boolean]>([
    ['full allows anything', 'full', run('/tmp/x', '/tmp/x', { LD_PRELOAD: '/x.so' }), missing, true],
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
      run('echo', '/usr/bin/echo', { LD_PRELOAD: '/x.so' }),
      ok('echo'),
      false,
    ],
    [
      'allowlist: LESSOPEN refuses an approved less',
      'allowlist',
      run('less', '/usr/bin/less', { LESSOPEN: '|x %s' }),
      ok('/usr/bin/less'),
      false,
    ],
    ['allowlist: safe env passes', 'allowlist', run('echo', '/usr/bin/echo', { TERM: 'dumb', LC_ALL: 'C' }), ok('echo'), true],
    [
      'allowlist: a variable the entry names passes',
      'allowlist',
      run('less', '/usr/bin/less', { LESS: '-R' }),
      entries({ pattern: '/usr/bin/less', env: ['LESS'] }),
      true,
    ],
    [
      'allowlist: a variable another entry names does not pass',
      'allowlist',
      run('less', '/usr/bin/less', { LESS: '-R' }),
      entries({ pattern: '/usr/bin/less' }, { pattern: 'echo', env: ['LESS'] }),
      false,
    ],
    [
      'allowlist: a variable named by an entry whose args do not fit does not pass',
      'allowlist',
      run('less', '/usr/bin/less', { LESS: '-R' }, ['/etc/passwd']),
      entries({ pattern: '/usr/bin/less' }, { pattern: '/usr/bin/less', args: ['/var/log/syslog'], env: ['LESS'] }),
      false,
    ],
    [
      'allowlist: args patterns allow what fits',
      'allowlist',
      run('echo', '/usr/bin/echo', undefined, ['hello', 'world']),
      entries({ pattern: 'echo', args: ['hello', '*'] }),
      true,
    ],
    [
      'allowlist: args patterns refuse what does not fit',
      'allowlist',
      run('echo', '/usr/bin/echo', undefined, ['bye', 'world']),
      entries({ pattern: 'echo', args: ['hello', '*'] }),
      false,
    ],
    [
      "allowlist: an entry without args allows any arguments (today's files)",
      'allowlist',
      run('echo', '/usr/bin/echo', undefined, ['-e', 'anything']),
      ok('echo'),
      true,
    ],
  ])('%s', (_name, policy, request, approvals, allowed) => {
    expect(decideExec(policy, request, () => approvals, resolveApproved).allowed).toBe(allowed);
  });

  it.each<[string, ExecRequest, ExecApprovalsState, boolean]>([
    ['an unlisted program with safe env', run('echo', '/usr/bin/echo', { TERM: 'dumb' }), ok(), true],
    [
      'other arguments of an approved program',
      run('echo', '/usr/bin/echo', undefined, ['b']),
      entries({ pattern: 'echo', args: ['a'] }),
      true,
    ],
    ['a first program without a file', run('echo', '/usr/bin/echo'), missing, true],
    ['an unsafe variable', run('echo', '/usr/bin/echo', { BASH_ENV: '/tmp/x' }), ok(), false],
    ['an unsafe variable without a file', run('echo', '/usr/bin/echo', { BASH_ENV: '/tmp/x' }), missing, false],
    ['an unsafe variable for an approved program', run('echo', '/usr/bin/echo', { BASH_ENV: '/tmp/x' }), ok('echo'), false],
  ])('under ask, %s is put to the operators: %p', (_name, request, approvals, askable) => {
    const decision = decideExec('ask', request, () => approvals, resolveApproved);
    expect(decision.allowed).toBe(false);
    expect((decision as { askable?: unknown }).askable !== undefined).toBe(askable);
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
        /add \{"pattern":"\/usr\/bin\/uptime","args":\[\]\} to agents\["\*"\]\.allowlist in \/state\/exec-approvals\.json/,
      ],
    ],
    ['a program not on PATH', 'allowlist', run('nope', undefined), ok(), [/"nope" \(not found on PATH\)/]],
    [
      'loader env',
      'allowlist',
      run('echo', '/usr/bin/echo', { LD_PRELOAD: '/x.so', NODE_OPTIONS: '--require /x' }),
      ok('echo'),
      [
        /env refused: LD_PRELOAD is not one of the variables a command may be given \(TERM, COLUMNS/,
        /To pass LD_PRELOAD, NODE_OPTIONS, name them in "env" of the entry for \/usr\/bin\/echo in \/state\/exec-approvals\.json, e\.g\. "env": \["LD_PRELOAD","NODE_OPTIONS"\]/,
      ],
    ],
    [
      'other arguments than approved',
      'allowlist',
      run('echo', '/usr/bin/echo', undefined, ['bye']),
      entries({ pattern: 'echo', args: ['hello'] }),
      [/approved only with other arguments/, /add \{"pattern":"\/usr\/bin\/echo","args":\["bye"\]\}/],
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

describe('decideExec with a refusal context', () => {
  const where = { nodeName: 'laptop', stateDir: '/srv/node-state' };

  it('names the node, the program, the policy and the command that allows it when the file is missing', () => {
    // Act
    const decision = decideExec('allowlist', run('uptime', '/usr/bin/uptime'), () => missing, resolveApproved, where);

    // Assert
    expect(decision).toMatchObject({
      allowed: false,
      message: expect.stringContaining(
        'system.run refused on node "laptop" by its exec policy "allowlist": its allowlist /state/exec-approvals.json does not exist yet',
      ),
    });
    expect(!decision.allowed && decision.message).toContain(
      'run on laptop: NESTCLAW_STATE_DIR=/srv/node-state nestclaw node allow /usr/bin/uptime',
    );
  });

  it('quotes arguments for the shell and puts them after --', () => {
    // Act
    const decision = decideExec(
      'allowlist',
      run('git', '/usr/bin/git', undefined, ['log', '-n', "it's *"]),
      () => ok('echo'),
      resolveApproved,
      where,
    );

    // Assert
    expect(!decision.allowed && decision.message).toContain(
      `"git" (/usr/bin/git) is not approved. To allow it with these arguments, run on laptop: NESTCLAW_STATE_DIR=/srv/node-state nestclaw node allow /usr/bin/git -- log -n 'it'\\''s *'`,
    );
  });

  it('offers no command for arguments with control characters, only the file to edit', () => {
    // Act
    const decision = decideExec(
      'allowlist',
      run('echo', '/usr/bin/echo', undefined, ['a\nb']),
      () => ok(),
      resolveApproved,
      where,
    );

    // Assert
    expect(!decision.allowed && decision.message).not.toContain('nestclaw node allow');
    expect(!decision.allowed && decision.message).toContain(`to agents["*"].allowlist in ${FILE}`);
  });
});
