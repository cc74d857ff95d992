import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildDeviceAuthPayload, parseDevicePublicKey, verifyDeviceSignature } from '../../src/common/identity';
import { CliRun, runCli } from '../support/cli-process';
import { FakeGateway, until } from '../support/fake-gateway';
import { createTestApp, makeStateDir } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';
import { isAlive } from '../support/process-state';

jest.setTimeout(30_000);

type JsonLine = { event: string; [key: string]: any };

describe('nestclaw node run', () => {
  const runs: CliRun[] = [];
  const dirs: string[] = [];
  const fakes: FakeGateway[] = [];

  afterEach(async () => {
    for (const run of runs.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGKILL');
        await run.exited;
      }
    }
    for (const fake of fakes.splice(0)) await fake.close();
  });
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  const stateDir = () => {
    const dir = makeStateDir();
    dirs.push(dir);
    return dir;
  };
  const startFake = async () => {
    const fake = await FakeGateway.start();
    fakes.push(fake);
    return fake;
  };
  /** The real CLI, as a user would start it against a remote gateway. */
  const nodeRun = (url: string, dir: string, args: string[] = [], token = 't') => {
    const run = runCli(['node', 'run', '--url', url, '--token', token, '--json', ...args], { NESTCLAW_STATE_DIR: dir });
    runs.push(run);
    return run;
  };
  const lines = (run: CliRun): JsonLine[] =>
    run
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
  const waitForLine = (run: CliRun, predicate: (line: JsonLine) => boolean, what: string, timeoutMs = 10_000) =>
    until(() => lines(run).find(predicate), timeoutMs, `${what} in:\n${run.output()}`);
  const connectedCount = (run: CliRun) => lines(run).filter((line) => line.event === 'connected').length;
  const waitForConnected = (run: CliRun, count = 1, timeoutMs = 10_000) =>
    until(
      () => (connectedCount(run) >= count ? lines(run).filter((l) => l.event === 'connected')[count - 1] : undefined),
      timeoutMs,
      `connected #${count} in:\n${run.output()}`,
    );
  const writeApprovals = (dir: string, content: string) =>
    fs.writeFileSync(path.join(dir, 'exec-approvals.json'), content, { mode: 0o600 });

  describe('connect params', () => {
    it('connects as a node with its caps, commands, permissions and a signed device identity', async () => {
      const fake = await startFake();
      const dir = stateDir();
      const run = nodeRun(fake.url, dir, ['--display-name', 'build box']);
      await waitForConnected(run);
      const { params, nonce } = fake.connects[0];
      expect(params).toMatchObject({
        minProtocol: 3,
        maxProtocol: 4,
        role: 'node',
        scopes: [],
        client: { id: 'node-host', mode: 'node', platform: process.platform, displayName: 'build box' },
        caps: ['system'],
        commands: ['system.run', 'system.which', 'system.notify', 'system.execApprovals.get', 'system.execApprovals.set'],
        permissions: { exec: false },
        auth: { token: 't' },
      });
      const device = params.device!;
      const identity = JSON.parse(fs.readFileSync(path.join(dir, 'identity', 'device.json'), 'utf8'));
      expect(device.id).toBe(identity.deviceId);
      expect(device.nonce).toBe(nonce);
      const payload = buildDeviceAuthPayload({
        deviceId: device.id,
        clientId: 'node-host',
        clientMode: 'node',
        role: 'node',
        scopes: [],
        signedAtMs: device.signedAt,
        token: 't',
        nonce,
      });
      expect(verifyDeviceSignature(parseDevicePublicKey(device.publicKey)!, payload, device.signature)).toBe(true);
      expect(lines(run).find((l) => l.event === 'connected')).toMatchObject({ url: fake.url, connId: 'fake-conn-1' });
    });

    it('declares exec permission when the policy allows running commands', async () => {
      const fake = await startFake();
      await waitForConnected(nodeRun(fake.url, stateDir(), ['--exec', 'allowlist']));
      expect(fake.connects[0].params.permissions).toEqual({ exec: true, execEnv: false });
    });

    it('refuses --url without a secret from the command line (exit 3)', async () => {
      const run = runCli(['node', 'run', '--url', 'ws://127.0.0.1:9'], {
        NESTCLAW_STATE_DIR: stateDir(),
        NESTCLAW_GATEWAY_TOKEN: 'env-token',
      });
      runs.push(run);
      expect((await run.exited).code).toBe(3);
      expect(run.output()).toContain('without --token or --password');
    });

    it('refuses an unknown exec policy (exit 3)', async () => {
      const run = runCli(['node', 'run', '--url', 'ws://127.0.0.1:9', '--token', 't', '--exec', 'some'], {
        NESTCLAW_STATE_DIR: stateDir(),
      });
      runs.push(run);
      expect((await run.exited).code).toBe(3);
      expect(run.output()).toMatch(/deny, allowlist, ask, full/);
    });
  });

  describe('invoke handling', () => {
    it('under deny: refuses system.run, still answers system.which and system.notify', async () => {
      const fake = await startFake();
      const run = nodeRun(fake.url, stateDir());
      await waitForConnected(run);

      const denied = await fake.invoke('system.run', { command: ['echo', 'hi'] });
      expect(denied).toMatchObject({ ok: false, nodeId: fake.connects[0].params.device!.id, error: { code: 'EXEC_DENIED' } });
      expect(denied.error!.message).toContain('"deny"');
      expect(denied.error!.message).toContain('--exec allowlist');

      const which = await fake.invoke('system.which', { bins: ['sh', 'no-such-binary-xyz'] });
      expect(which.ok).toBe(true);
      expect(which.payload.bins['no-such-binary-xyz']).toBeNull();
      expect(which.payload.bins.sh).toMatch(/^\/.*\/sh$/);

      const notify = await fake.invoke('system.notify', { title: 'Build', body: 'done \u001b[31m' });
      expect(notify).toMatchObject({ ok: true, payload: { delivered: true, via: 'log' } });
      expect(await waitForLine(run, (l) => l.event === 'notify', 'notify line')).toMatchObject({ title: 'Build' });
    });

    it('answers an unknown command and invalid params with their codes', async () => {
      const fake = await startFake();
      await waitForConnected(nodeRun(fake.url, stateDir(), ['--exec', 'full']));
      expect(await fake.invoke('camera.snap', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
      const invalid = await fake.invoke('system.run', { command: 'echo hi' });
      expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
      expect(invalid.error!.message).toContain('command');
      const badTimeout = await fake.invoke('system.run', { command: ['true'], timeoutMs: -1 });
      expect(badTimeout.error!.message).toContain('timeoutMs');
    });

    it('under allowlist: follows exec-approvals.json, re-read on every call', async () => {
      const fake = await startFake();
      const dir = stateDir();
      await waitForConnected(nodeRun(fake.url, dir, ['--exec', 'allowlist']));

      const noFile = await fake.invoke('system.run', { command: ['echo', 'hi'] });
      expect(noFile).toMatchObject({ ok: false, error: { code: 'EXEC_DENIED' } });
      expect(noFile.error!.message).toContain('does not exist yet, so nothing is allowed');
      expect(noFile.error!.message).toMatch(/run on \S+: NESTCLAW_STATE_DIR=\S+ nestclaw node allow \S*\/echo -- hi$/);

      writeApprovals(dir, JSON.stringify({ version: 1, allow: [{ command: 'echo' }] }));
      const allowed = await fake.invoke('system.run', { command: ['echo', 'hi'] });
      expect(allowed).toMatchObject({
        ok: true,
        payload: { exitCode: 0, stdout: 'hi\n', timedOut: false, truncated: { stdout: false, stderr: false } },
      });

      const other = await fake.invoke('system.run', { command: ['uname'] });
      expect(other).toMatchObject({ ok: false, error: { code: 'EXEC_DENIED' } });
      expect(other.error!.message).toMatch(
        /"uname" \(.*uname\) is not approved\. To allow it with these arguments, run on \S+: .*nestclaw node allow \S*uname \(or add \{"pattern":".*uname","args":\[\]\} to agents\["\*"\]\.allowlist/,
      );

      writeApprovals(dir, '{"version":1,"allow":[');
      const corrupt = await fake.invoke('system.run', { command: ['echo', 'hi'] });
      expect(corrupt).toMatchObject({ ok: false, error: { code: 'EXEC_DENIED' } });
      expect(corrupt.error!.message).toContain('not valid JSON');
      expect(corrupt.error!.message).toContain('Fix it');
    });

    it('under full: runs argv without a shell, caps output and flags it, reports exit codes', async () => {
      const fake = await startFake();
      await waitForConnected(nodeRun(fake.url, stateDir(), ['--exec', 'full']));

      const literal = await fake.invoke('system.run', { command: ['echo', '$HOME', '*'] });
      expect(literal.payload.stdout).toBe('$HOME *\n');

      const big = await fake.invoke('system.run', {
        command: ['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" a; echo err >&2; exit 3'],
      });
      expect(big.ok).toBe(true);
      expect(big.payload).toMatchObject({
        exitCode: 3,
        stderr: 'err\n',
        timedOut: false,
        truncated: { stdout: true, stderr: false },
      });
      expect(big.payload.stdout).toHaveLength(200 * 1024);

      const env = await fake.invoke('system.run', {
        command: ['sh', '-c', 'echo "$GREETING:${NESTCLAW_STATE_DIR:-unset}"'],
        env: { GREETING: 'hello' },
      });
      expect(env.payload.stdout).toBe('hello:unset\n');

      const missing = await fake.invoke('system.run', { command: ['no-such-binary-xyz'] });
      expect(missing).toMatchObject({ ok: true, payload: { exitCode: 127, stdout: '' } });
      expect(missing.payload.stderr).toContain('not found');
    });

    it('kills a command and everything it started when it times out', async () => {
      const fake = await startFake();
      await waitForConnected(nodeRun(fake.url, stateDir(), ['--exec', 'full']));
      const startedAt = Date.now();
      // The request's own timeout is the tighter bound here.
      const result = await fake.invoke(
        'system.run',
        { command: ['sh', '-c', 'sleep 30 & echo $!; wait'], timeoutMs: 20_000 },
        { timeoutMs: 500 },
      );
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(result.payload).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGTERM' });
      const sleepPid = Number(result.payload.stdout.trim());
      expect(sleepPid).toBeGreaterThan(0);
      await until(() => (isAlive(sleepPid) ? undefined : true), 3_000, 'the background sleep to die');
    });
  });

  describe('staying connected', () => {
    it('reconnects after the gateway restarts with 1012 on the same port', async () => {
      const fake = await startFake();
      const run = nodeRun(fake.url, stateDir(), ['--exec', 'full']);
      await waitForConnected(run);
      await fake.restart(300);
      const again = await waitForConnected(run, 2);
      expect(again.connId).toBe('fake-conn-2');
      expect(lines(run).find((l) => l.event === 'disconnected')).toMatchObject({ code: 1012 });
      expect(lines(run).find((l) => l.event === 'gateway-shutdown')).toMatchObject({ reason: 'restart' });
      expect(lines(run).some((l) => l.event === 'reconnecting' && typeof l.delayMs === 'number')).toBe(true);
      expect(await fake.invoke('system.run', { command: ['true'] })).toMatchObject({ ok: true, payload: { exitCode: 0 } });
    });

    it('drops a link that went silent (no ticks, no answers) and reconnects', async () => {
      const fake = await startFake();
      const run = nodeRun(fake.url, stateDir());
      await waitForConnected(run);
      const silencedAt = Date.now();
      fake.silence();
      await waitForConnected(run, 2);
      // Two 200 ms tick intervals + 1 s of slack, then a short backoff; without the watchdog it would wait for ever.
      expect(Date.now() - silencedAt).toBeLessThan(8_000);
      expect(lines(run).find((l) => l.event === 'disconnected')).toMatchObject({ code: 1006 });
      expect(fake.liveCount).toBe(1);
    });

    it('stores the device token the gateway issues (0600) and offers it on the next connect', async () => {
      const fake = await startFake();
      fake.issueDeviceToken = 'device-token-1';
      const dir = stateDir();
      const run = nodeRun(fake.url, dir);
      await waitForConnected(run);
      const file = path.join(dir, 'identity', 'device-tokens.json');
      await until(() => (fs.existsSync(file) ? true : undefined), 3_000, 'the device token file');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, 'utf8')).toContain('device-token-1');
      expect(run.output()).not.toContain('device-token-1');

      await fake.restart(100);
      const second = await fake.waitForConnects(2);
      expect(second.params.auth).toEqual({ token: 'device-token-1' });
      const device = second.params.device!;
      const signed = buildDeviceAuthPayload({
        deviceId: device.id,
        clientId: 'node-host',
        clientMode: 'node',
        role: 'node',
        scopes: [],
        signedAtMs: device.signedAt,
        token: 'device-token-1',
        nonce: second.nonce,
      });
      expect(verifyDeviceSignature(parseDevicePublicKey(device.publicKey)!, signed, device.signature)).toBe(true);
      await waitForConnected(run, 2);

      // A revoked device token is forgotten, and the same attempt goes on with --token.
      fake.issueDeviceToken = undefined;
      fake.refusedTokens.add('device-token-1');
      await fake.restart(100);
      await waitForConnected(run, 3);
      expect(fake.connects.slice(2).map((c) => c.params.auth)).toEqual([{ token: 'device-token-1' }, { token: 't' }]);
      expect(fs.readFileSync(file, 'utf8')).not.toContain('device-token-1');
    });

    it('says how to approve a pending pairing and keeps retrying until approved', async () => {
      const fake = await startFake();
      fake.pendingPairing = 'req-42';
      const dir = stateDir();
      const run = runCli(['node', 'run', '--url', fake.url, '--token', 't'], { NESTCLAW_STATE_DIR: dir });
      runs.push(run);
      await run.waitFor('waiting for approval: run `nestclaw devices approve req-42` on the gateway host');
      await fake.waitForConnects(2);
      expect(run.output()).toMatch(/reconnecting in \d+ ms/);
      fake.pendingPairing = undefined;
      await run.waitFor(/connected to ws:\/\/127\.0\.0\.1:\d+ \(connId fake-conn-\d+\)/);
    });

    it('prints the fix when nothing listens, and keeps trying', async () => {
      const fake = await startFake();
      const url = fake.url;
      await fake.close();
      fakes.splice(fakes.indexOf(fake), 1);
      const run = runCli(['node', 'run', '--url', url, '--token', 't'], { NESTCLAW_STATE_DIR: stateDir() });
      runs.push(run);
      await run.waitFor('fix: is the gateway running');
      await run.waitFor(/reconnecting in \d+ ms \(attempt 2\)/);
    });

    it('stops on SIGTERM and exits 0', async () => {
      const fake = await startFake();
      const run = nodeRun(fake.url, stateDir(), [], 't');
      await waitForConnected(run);
      run.child.kill('SIGTERM');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(lines(run).map((l) => l.event)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
      await until(() => (fake.liveCount === 0 ? true : undefined), 3_000, 'the link to close');
    });
  });

  describe('against the real gateway', () => {
    it('gets connected and is listed in system-presence with the node role', async () => {
      const app = await createTestApp();
      try {
        const run = nodeRun(app.url, stateDir(), ['--display-name', 'e2e-node'], app.token);
        await waitForConnected(run);
        const operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
        try {
          const presence = await operator.request('system-presence');
          expect(presence.ok).toBe(true);
          expect(presence.payload).toEqual(
            expect.arrayContaining([expect.objectContaining({ roles: ['node'], mode: 'node', host: 'e2e-node' })]),
          );
        } finally {
          await operator.close();
        }
        run.child.kill('SIGTERM');
        expect((await run.exited).code).toBe(0);
      } finally {
        await app.close();
      }
    });
  });
});
