import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliRun, runCli } from '../support/cli-process';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(60_000);

/**
 * Exec allowlists edited over the gateway's port (issue 14, point 4): real
 * node host processes, the real CLI, and an operator socket. The node stays
 * the enforcer and the owner of its file.
 */
describe('exec allowlists managed remotely', () => {
  let app: TestApp;
  let admin: WsTestClient;
  let writer: WsTestClient;
  const runs: CliRun[] = [];
  const dirs: string[] = [];
  const env = () => ({ NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });
  const cli = async (args: string[]) => {
    const run = runCli(args, env());
    const { code } = await run.exited;
    return { code, output: run.output() };
  };
  const startNode = async (name: string, dir: string, extra: string[] = []) => {
    const run = runCli(
      ['node', 'run', '--url', app.url, '--token', app.token, '--exec', 'allowlist', '--display-name', name, '--json', ...extra],
      { NESTCLAW_STATE_DIR: dir },
    );
    runs.push(run);
    await run.waitFor('"event":"connected"', 20_000);
    return run;
  };
  const nodeDir = () => {
    const dir = makeStateDir();
    dirs.push(dir);
    return dir;
  };
  const run = (node: string, argv: string[], key: string) =>
    writer.request(
      'node.invoke',
      { nodeId: node, command: 'system.run', params: { command: argv }, idempotencyKey: key },
      15_000,
    );

  beforeAll(async () => {
    app = await createTestApp();
    admin = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.admin'] });
    writer = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.write'] });
  }, 40_000);

  afterAll(async () => {
    await admin?.close();
    await writer?.close();
    for (const child of runs) if (child.child.exitCode === null) child.child.kill('SIGKILL');
    await app?.close();
    dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  });

  it("an allowlist edit from the CLI lets the next system.run pass, with no restart, and today's file is migrated", async () => {
    const dir = nodeDir();
    const file = path.join(dir, 'exec-approvals.json');
    const legacy = '{"version":1,"allow":[{"command":"uname","note":"kept from before"}]}';
    fs.writeFileSync(file, legacy, { mode: 0o600 });
    await startNode('garage', dir);

    const before = await run('garage', ['echo', 'remote edit'], 'before');
    expect(before.ok).toBe(false);
    expect(JSON.stringify(before.error)).toContain('EXEC_DENIED');

    const listed = await cli(['approvals', 'allowlist', 'list', '--node', 'garage', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.output)).toMatchObject({
      migrated: true,
      remoteEdits: true,
      file: { version: 1, agents: { '*': { allowlist: [{ pattern: 'uname', note: 'kept from before' }] } } },
    });

    const added = await cli(['approvals', 'allowlist', 'add', '--node', 'garage', 'echo', '--args', '["remote *"]']);
    expect(added.code).toBe(0);
    expect(added.output).toContain('added echo to the exec allowlist of node garage');

    const after = await run('garage', ['echo', 'remote edit'], 'after');
    expect(after.ok).toBe(true);
    expect(after.payload).toMatchObject({ payload: { exitCode: 0, stdout: 'remote edit\n' } });
    // The argument pattern came along: other arguments stay refused.
    expect((await run('garage', ['echo', 'other'], 'other')).ok).toBe(false);

    // Nothing from before is lost: the old entry is in the new file, the old text beside it.
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(stored.agents['*'].allowlist).toEqual([
      { pattern: 'uname', note: 'kept from before' },
      { pattern: 'echo', args: ['remote *'] },
    ]);
    expect(fs.readFileSync(`${file}.bak`, 'utf8')).toBe(legacy);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const removed = await cli(['approvals', 'allowlist', 'remove', '--node', 'garage', 'echo']);
    expect(removed.code).toBe(0);
    expect((await run('garage', ['echo', 'remote edit'], 'removed')).ok).toBe(false);
  });

  it('a remote operator adds an entry over the socket, and the next system.run of that program passes', async () => {
    const dir = nodeDir();
    await startNode('shed', dir);
    const refused = await run('shed', ['echo', 'over the wire'], 'shed-before');
    expect(JSON.stringify(refused.error)).toContain('EXEC_DENIED');

    // What a reference client does: read the node's file, add an entry, write it back with the hash it read.
    const read = await admin.request('exec.approvals.node.get', { nodeId: 'shed' });
    expect(read.ok).toBe(true);
    const snapshot = read.payload as { exists: boolean; hash: string; remoteEdits: boolean };
    expect(snapshot).toMatchObject({ exists: false, remoteEdits: true });
    const file = { version: 1, agents: { '*': { allowlist: [{ pattern: '/**/echo', args: ['over the wire'] }] } } };
    const written = await admin.request('exec.approvals.node.set', { nodeId: 'shed', file, baseHash: snapshot.hash });
    expect(written.ok).toBe(true);
    expect(written.payload).toMatchObject({ exists: true, file });

    const passed = await run('shed', ['echo', 'over the wire'], 'shed-after');
    expect(passed.ok).toBe(true);
    expect(passed.payload).toMatchObject({ payload: { exitCode: 0, stdout: 'over the wire\n' } });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'exec-approvals.json'), 'utf8'))).toEqual(file);
  });

  it('bounds allowlists from the wire like any peer input, refusing clearly and changing nothing', async () => {
    const before = (await admin.request('exec.approvals.node.get', { nodeId: 'shed' })).payload as { hash: string };
    const gateway = (await admin.request('exec.approvals.get')).payload as { hash: string };
    const allowlist = (entries: object[]) => ({ version: 1, agents: { '*': { allowlist: entries } } });
    const cases: Array<[object, RegExp]> = [
      [allowlist(Array.from({ length: 1_025 }, (_, i) => ({ pattern: `/usr/bin/tool${i}` }))), /1025 entries; at most 1024/],
      [allowlist([{ pattern: `/${'a'.repeat(1_100)}` }]), /"pattern" must be at most 1024 characters/],
      [allowlist([{ pattern: '/usr/bin/git', args: Array.from({ length: 300 }, () => 'x') }]), /at most 256 are accepted/],
      [
        { version: 1, agents: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`agent${i}`, {}])) },
        /"agents" has 65 keys; at most 64/,
      ],
    ];
    for (const [file, problem] of cases) {
      for (const [method, params] of [
        ['exec.approvals.node.set', { nodeId: 'shed', file, baseHash: before.hash }],
        ['exec.approvals.set', { file, baseHash: gateway.hash }],
      ] as const) {
        const refused = await admin.request(method, params);
        expect({ method, error: refused.error }).toMatchObject({
          method,
          error: { code: 'INVALID_REQUEST', message: expect.stringMatching(problem) },
        });
      }
    }
    // The current reference's host-native policy is refused by name, not as a missing file.
    const native = await admin.request('exec.approvals.node.set', {
      nodeId: 'shed',
      native: { rules: [] },
      baseHash: before.hash,
    });
    expect(native.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('send "file" instead of "native"'),
    });

    const after = (await admin.request('exec.approvals.node.get', { nodeId: 'shed' })).payload as { hash: string };
    expect(after.hash).toBe(before.hash);
    expect((await run('shed', ['echo', 'over the wire'], 'shed-still')).ok).toBe(true);
  });

  it('refuses a stale baseHash and an invalid file, keeping what is stored', async () => {
    const snapshot = (await admin.request('exec.approvals.node.get', { nodeId: 'garage' })).payload as { hash: string };
    const file = { version: 1, agents: { '*': { allowlist: [{ pattern: '/usr/bin/*' }] } } };
    const stale = await admin.request('exec.approvals.node.set', { nodeId: 'garage', file, baseHash: 'a'.repeat(64) });
    expect(stale.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('changed since it was read') });
    const invalid = await admin.request('exec.approvals.node.set', {
      nodeId: 'garage',
      file: { version: 1, agents: { '*': { allowlist: [{ pattern: 'bin/echo' }] } } },
      baseHash: snapshot.hash,
    });
    expect(invalid.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('"pattern" must be an absolute path'),
    });
    const again = (await admin.request('exec.approvals.node.get', { nodeId: 'garage' })).payload as { hash: string };
    expect(again.hash).toBe(snapshot.hash);
  });

  it('keeps the node commands away from node.invoke and from operators without admin', async () => {
    const direct = await writer.request('node.invoke', {
      nodeId: 'garage',
      command: 'system.execApprovals.set',
      params: { file: { version: 1 } },
      idempotencyKey: 'sneaky',
    });
    expect(direct.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('exec.approvals.node') });
    const notAdmin = await writer.request('exec.approvals.node.get', { nodeId: 'garage' });
    expect(notAdmin.error).toMatchObject({ message: 'missing scope: operator.admin' });
  });

  it('a node started with --no-remote-policy shows its allowlist but refuses edits', async () => {
    const dir = nodeDir();
    await startNode('locked', dir, ['--no-remote-policy']);
    const listed = await cli(['approvals', 'allowlist', 'list', '--node', 'locked']);
    expect(listed.code).toBe(0);
    expect(listed.output).toContain('read-only: the node refuses remote edits');

    const added = await cli(['approvals', 'allowlist', 'add', '--node', 'locked', 'echo']);
    expect(added.code).not.toBe(0);
    expect(added.output).toContain('refuses remote allowlist edits');
    expect(fs.existsSync(path.join(dir, 'exec-approvals.json'))).toBe(false);
    expect((await run('locked', ['echo', 'x'], 'locked')).ok).toBe(false);
  });

  it("edits the gateway host's own allowlist file (0600, in its state dir, path never shown)", async () => {
    const first = (await admin.request('exec.approvals.get')).payload as { exists: boolean; hash: string; path: string };
    expect(first).toMatchObject({ exists: false, path: 'exec-approvals.json' });
    const added = await cli(['approvals', 'allowlist', 'add', '/usr/bin/uptime', '--note', 'status']);
    expect(added.code).toBe(0);
    const stored = path.join(app.stateDir, 'exec-approvals.json');
    expect(fs.statSync(stored).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(stored, 'utf8'))).toEqual({
      version: 1,
      agents: { '*': { allowlist: [{ pattern: '/usr/bin/uptime', note: 'status' }] } },
    });
    const stale = await admin.request('exec.approvals.set', { file: { version: 1 } });
    expect(stale.error).toMatchObject({ message: expect.stringContaining('baseHash is required') });
    expect(JSON.stringify(stale.error)).not.toContain(app.stateDir);
  });
});
