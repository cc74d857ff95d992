import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  appendExecApproval,
  ApprovalsFileSystem,
  execApprovalsPath,
  loadExecApprovals,
  parseExecApprovals,
} from './exec-approvals';

const FILE = '/state/exec-approvals.json';

function fileSystem(result: { text: string; mode?: number } | NodeJS.ErrnoException): ApprovalsFileSystem {
  return {
    read: () => {
      if (result instanceof Error) throw result;
      return { text: result.text, mode: result.mode ?? 0o100600 };
    },
  };
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

describe(parseExecApprovals.name, () => {
  it('reads absolute paths and bare names, with optional notes', () => {
    // Act
    const parsed = parseExecApprovals('{"version":1,"allow":[{"command":"/usr/bin/uptime"},{"command":"echo","note":"demo"}]}');
    // Assert
    expect(parsed).toEqual({ ok: true, allow: [{ command: '/usr/bin/uptime' }, { command: 'echo', note: 'demo' }] });
  });

  it('reads argument patterns and extra variable names, additively', () => {
    const parsed = parseExecApprovals(
      '{"version":1,"allow":[{"command":"git","args":["status","**"]},{"command":"less","env":["LESS"],"note":"pager"}]}',
    );
    expect(parsed).toEqual({
      ok: true,
      allow: [
        { command: 'git', args: ['status', '**'] },
        { command: 'less', env: ['LESS'], note: 'pager' },
      ],
    });
  });

  it('accepts an empty allow list', () => {
    expect(parseExecApprovals('{"version":1,"allow":[]}')).toEqual({ ok: true, allow: [] });
  });

  it.each<[string, string, RegExp]>([
    ['broken JSON', '{"version":1,', /not valid JSON/],
    ['an array', '[]', /must hold a JSON object/],
    ['a missing version', '{"allow":[]}', /"version" must be 1 \(got undefined\)/],
    ['another version', '{"version":2,"allow":[]}', /"version" must be 1 \(got 2\)/],
    ['no allow list', '{"version":1}', /"allow" must be an array/],
    ['an unknown top-level key', '{"version":1,"allow":[],"deny":[]}', /unknown key "deny"/],
    ['an entry that is a string', '{"version":1,"allow":["echo"]}', /allow\[0\]: must be an object/],
    ['an entry without a command', '{"version":1,"allow":[{"cmd":"echo"}]}', /allow\[0\]: unknown key "cmd"/],
    ['an empty command', '{"version":1,"allow":[{"command":""}]}', /allow\[0\]: "command" must be a non-empty string/],
    [
      'a relative path',
      '{"version":1,"allow":[{"command":"echo"},{"command":"bin/tool"}]}',
      /allow\[1\]: "command" must be an absolute path or a bare name/,
    ],
    [
      'a misspelt restriction, which would restrict nothing',
      '{"version":1,"allow":[{"command":"git","argv":["status"]}]}',
      /unknown key "argv" \(accepted: command, args, env, note\)/,
    ],
    ['args that are not a list', '{"version":1,"allow":[{"command":"git","args":"status"}]}', /"args" must be an array/],
    [
      '"**" before the end',
      '{"version":1,"allow":[{"command":"git","args":["**","x"]}]}',
      /"args"\[0\] "\*\*" may only be the last/,
    ],
    [
      'env that is not a list of names',
      '{"version":1,"allow":[{"command":"less","env":["LESS OPEN"]}]}',
      /"env" holds "LESS OPEN"/,
    ],
    ['a non-string note', '{"version":1,"allow":[{"command":"echo","note":1}]}', /"note" must be a string/],
  ])('refuses %s, naming the problem', (_name, text, problem) => {
    // Act
    const parsed = parseExecApprovals(text);
    // Assert
    expect(parsed.ok).toBe(false);
    expect((parsed as { problem: string }).problem).toMatch(problem);
  });
});

describe(loadExecApprovals.name, () => {
  it('lives in the state dir', () => {
    expect(execApprovalsPath('/state')).toBe(FILE);
  });

  it('reports a missing file as missing', () => {
    expect(loadExecApprovals(FILE, fileSystem(errno('ENOENT')))).toEqual({ status: 'missing', file: FILE });
  });

  it('reports an unreadable file as invalid', () => {
    expect(loadExecApprovals(FILE, fileSystem(errno('EACCES')))).toEqual({
      status: 'invalid',
      file: FILE,
      problem: 'it cannot be read (EACCES)',
    });
  });

  it('refuses a file other users can write, saying how to fix it', () => {
    // Act
    const state = loadExecApprovals(FILE, fileSystem({ text: '{"version":1,"allow":[]}', mode: 0o100666 }));
    // Assert
    expect(state).toEqual({ status: 'invalid', file: FILE, problem: `it is writable by other users; run chmod 600 ${FILE}` });
  });

  it('returns the entries of a valid file', () => {
    expect(loadExecApprovals(FILE, fileSystem({ text: '{"version":1,"allow":[{"command":"echo"}]}', mode: 0o100644 }))).toEqual({
      status: 'ok',
      file: FILE,
      allow: [{ command: 'echo' }],
    });
  });

  it('passes the parse problem on', () => {
    expect(loadExecApprovals(FILE, fileSystem({ text: 'nope' }))).toMatchObject({
      status: 'invalid',
      problem: expect.stringContaining('not valid JSON'),
    });
  });
});

describe(appendExecApproval.name, () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-approvals-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the file (0600) when there is none', () => {
    const file = execApprovalsPath(dir);
    expect(appendExecApproval(file, { command: '/usr/bin/uptime' })).toEqual({ added: true });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadExecApprovals(file)).toEqual({ status: 'ok', file, allow: [{ command: '/usr/bin/uptime' }] });
  });

  it('keeps existing entries and notes, and adds a command only once', () => {
    const file = execApprovalsPath(dir);
    fs.writeFileSync(file, '{"version":1,"allow":[{"command":"echo","note":"demo"}]}', { mode: 0o600 });
    appendExecApproval(file, { command: '/usr/bin/uptime', note: 'allowed always by cli' });
    expect(appendExecApproval(file, { command: '/usr/bin/uptime' })).toEqual({ added: false });
    expect(loadExecApprovals(file)).toMatchObject({
      status: 'ok',
      allow: [
        { command: 'echo', note: 'demo' },
        { command: '/usr/bin/uptime', note: 'allowed always by cli' },
      ],
    });
    expect(fs.readdirSync(dir)).toEqual(['exec-approvals.json']);
  });

  it('adds the same program again with other arguments, and the same arguments only once', () => {
    const file = execApprovalsPath(dir);
    appendExecApproval(file, { command: '/bin/echo', args: ['a'] });
    expect(appendExecApproval(file, { command: '/bin/echo', args: ['b'] })).toEqual({ added: true });
    expect(appendExecApproval(file, { command: '/bin/echo', args: ['a'] })).toEqual({ added: false });
    expect(loadExecApprovals(file)).toMatchObject({
      allow: [
        { command: '/bin/echo', args: ['a'] },
        { command: '/bin/echo', args: ['b'] },
      ],
    });
  });

  it('refuses to record an entry the file could not hold, keeping the file usable', () => {
    const file = execApprovalsPath(dir);
    appendExecApproval(file, { command: '/bin/echo' });
    expect(() => appendExecApproval(file, { command: '/bin/echo', args: ['**', 'x'] })).toThrow(/cannot be recorded/);
    expect(loadExecApprovals(file)).toMatchObject({ status: 'ok', allow: [{ command: '/bin/echo' }] });
  });

  it('leaves an unusable file alone', () => {
    const file = execApprovalsPath(dir);
    fs.writeFileSync(file, '{"version":2}', { mode: 0o600 });
    expect(() => appendExecApproval(file, { command: '/usr/bin/uptime' })).toThrow(/is not usable/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version":2}');
  });
});
