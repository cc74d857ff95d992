import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  appendExecApproval,
  ApprovalsFileSystem,
  execApprovalsPath,
  loadExecApprovals,
  replaceExecApprovals,
  snapshotOf,
} from './exec-approvals-store';

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

  it('returns the entries of a legacy file, migrated', () => {
    const text = '{"version":1,"allow":[{"command":"echo"}]}';
    expect(loadExecApprovals(FILE, fileSystem({ text, mode: 0o100644 }))).toEqual({
      status: 'ok',
      file: FILE,
      approvals: { version: 1, agents: { '*': { allowlist: [{ pattern: 'echo' }] } } },
      allow: [{ pattern: 'echo' }],
      legacy: true,
      raw: text,
    });
  });

  it('returns the entries of every agent key', () => {
    const text = '{"version":1,"agents":{"*":{"allowlist":[{"pattern":"echo"}]},"main":{"allowlist":[{"pattern":"/bin/ls"}]}}}';
    expect(loadExecApprovals(FILE, fileSystem({ text }))).toMatchObject({
      allow: [{ pattern: 'echo' }, { pattern: '/bin/ls' }],
      legacy: false,
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
    expect(appendExecApproval(file, { pattern: '/usr/bin/uptime' })).toEqual({ added: true });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadExecApprovals(file)).toMatchObject({ status: 'ok', file, allow: [{ pattern: '/usr/bin/uptime' }], legacy: false });
  });

  it('keeps existing legacy entries and notes, migrates the file, keeps the old text, and adds a program only once', () => {
    const file = execApprovalsPath(dir);
    fs.writeFileSync(file, '{"version":1,"allow":[{"command":"echo","note":"demo"}]}', { mode: 0o600 });
    appendExecApproval(file, { pattern: '/usr/bin/uptime', note: 'allowed always by cli' });
    expect(appendExecApproval(file, { pattern: '/usr/bin/uptime' })).toEqual({ added: false });
    expect(loadExecApprovals(file)).toMatchObject({
      status: 'ok',
      allow: [
        { pattern: 'echo', note: 'demo' },
        { pattern: '/usr/bin/uptime', note: 'allowed always by cli' },
      ],
    });
    expect(fs.readdirSync(dir).sort()).toEqual(['exec-approvals.json', 'exec-approvals.json.bak']);
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toContain('"allow"');
    expect(fs.statSync(`${file}.bak`).mode & 0o777).toBe(0o600);
    expect(loadExecApprovals(file)).toMatchObject({ legacy: false });
  });

  it('adds the same program again with other arguments, and the same arguments only once', () => {
    const file = execApprovalsPath(dir);
    appendExecApproval(file, { pattern: '/bin/echo', args: ['a'] });
    expect(appendExecApproval(file, { pattern: '/bin/echo', args: ['b'] })).toEqual({ added: true });
    expect(appendExecApproval(file, { pattern: '/bin/echo', args: ['a'] })).toEqual({ added: false });
    expect(loadExecApprovals(file)).toMatchObject({
      allow: [
        { pattern: '/bin/echo', args: ['a'] },
        { pattern: '/bin/echo', args: ['b'] },
      ],
    });
  });

  it('refuses to record an entry the file could not hold, keeping the file usable', () => {
    const file = execApprovalsPath(dir);
    appendExecApproval(file, { pattern: '/bin/echo' });
    expect(() => appendExecApproval(file, { pattern: '/bin/echo', args: ['**', 'x'] })).toThrow(/cannot be recorded/);
    expect(loadExecApprovals(file)).toMatchObject({ status: 'ok', allow: [{ pattern: '/bin/echo' }] });
  });

  it('leaves an unusable file alone', () => {
    const file = execApprovalsPath(dir);
    fs.writeFileSync(file, '{"version":2}', { mode: 0o600 });
    expect(() => appendExecApproval(file, { pattern: '/usr/bin/uptime' })).toThrow(/is not usable/);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version":2}');
  });
});

describe(replaceExecApprovals.name, () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-approvals-'));
    file = execApprovalsPath(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const next = { version: 1, agents: { '*': { allowlist: [{ pattern: '/bin/date' }] } } };

  it('creates the file without a base hash when there is none', () => {
    const outcome = replaceExecApprovals(file, next, undefined);
    expect(outcome).toMatchObject({ ok: true, snapshot: { exists: true, file: next } });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('needs the hash of what is on disk once the file exists, and keeps the previous text', () => {
    fs.writeFileSync(file, '{"version":1,"allow":[{"command":"echo"}]}', { mode: 0o600 });
    expect(replaceExecApprovals(file, next, undefined)).toMatchObject({ ok: false, reason: 'stale' });
    expect(replaceExecApprovals(file, next, 'f'.repeat(64))).toMatchObject({ ok: false, reason: 'stale' });
    const { hash } = snapshotOf(loadExecApprovals(file))!;
    expect(replaceExecApprovals(file, next, hash)).toMatchObject({ ok: true });
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toContain('"command":"echo"');
  });

  it('refuses an invalid file and leaves the current one as it was', () => {
    fs.writeFileSync(file, '{"version":1,"allow":[]}', { mode: 0o600 });
    const { hash } = snapshotOf(loadExecApprovals(file))!;
    expect(replaceExecApprovals(file, { version: 1, agents: { '*': { allowlist: [{ pattern: 'a/b' }] } } }, hash)).toMatchObject({
      ok: false,
      reason: 'invalid-file',
      message: expect.stringContaining('"pattern" must be an absolute path'),
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('{"version":1,"allow":[]}');
  });

  it('never overwrites an unusable file', () => {
    fs.writeFileSync(file, '{"version":1,"allow":[{"cmd":"lost?"}]}', { mode: 0o600 });
    expect(replaceExecApprovals(file, next, undefined)).toMatchObject({ ok: false, reason: 'invalid-current' });
    expect(fs.readFileSync(file, 'utf8')).toContain('lost?');
  });

  it('keeps the local socket settings whatever the client sent, and never shows the token', () => {
    fs.writeFileSync(file, JSON.stringify({ version: 1, socket: { path: '/s', token: 'local-secret' } }), { mode: 0o600 });
    const { hash } = snapshotOf(loadExecApprovals(file))!;
    const outcome = replaceExecApprovals(file, { version: 1, socket: { path: '/evil', token: 'x' } }, hash);
    expect(outcome).toMatchObject({ ok: true, snapshot: { file: { socket: { path: '/s' } } } });
    expect(JSON.stringify(outcome)).not.toContain('local-secret');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).socket).toEqual({ path: '/s', token: 'local-secret' });
  });
});
