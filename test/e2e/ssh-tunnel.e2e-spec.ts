import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { isLocalPortInUse } from '../../src/cli/tunnel/port-owner';
import { withTemporaryTunnel } from '../../src/cli/tunnel/temporary-tunnel';
import { CliRun, runCli } from '../support/cli-process';
import { findSshd, freePort, SshServer, startSshServer } from '../support/ssh-server';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';
import { isAlive } from '../support/process-state';
import { skippedSuite } from '../support/skip-notice';

const sshd = findSshd();
if (!sshd) skippedSuite('nestclaw tunnel ssh (real sshd and gateway)', 'no sshd binary', 'apt-get install openssh-server');

(sshd ? describe : () => undefined)('nestclaw tunnel ssh (real sshd and gateway)', () => {
  let server: SshServer;
  let app: TestApp;
  let stateDir: string;
  let knownHosts: string;
  const runs: CliRun[] = [];

  beforeAll(async () => {
    server = await startSshServer(sshd!);
    app = await createTestApp();
    stateDir = makeStateDir();
    knownHosts = path.join(server.dir, 'known_hosts');
  }, 30_000);

  afterAll(async () => {
    for (const run of runs) {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    }
    await app?.close();
    await server?.close();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const target = () => `${server.user}@127.0.0.1:${server.port}`;
  /** Host-key options as a user on a fresh machine would pass them: trust on first use, into our own file. */
  const trustOnFirstUse = () => [
    '--ssh-option',
    `UserKnownHostsFile=${knownHosts}`,
    '--ssh-option',
    'GlobalKnownHostsFile=/dev/null',
    '--ssh-option',
    'StrictHostKeyChecking=accept-new',
  ];
  const tunnel = (args: string[]) => {
    const run = runCli(['tunnel', 'ssh', target(), ...args], { NESTCLAW_STATE_DIR: stateDir });
    runs.push(run);
    return run;
  };
  const jsonStates = (run: CliRun) =>
    run
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { state: string; pid?: number; kind?: string; reason?: string });

  it('reaches the gateway, comes back after ssh is killed, and stops cleanly on SIGINT', async () => {
    const localPort = await freePort();
    const run = tunnel([
      '--identity',
      server.clientKey,
      '--local-port',
      String(localPort),
      '--remote-port',
      String(app.port),
      ...trustOnFirstUse(),
      '--json',
    ]);
    const localUrl = `ws://127.0.0.1:${localPort}`;

    await run.waitFor('"state":"up"', 20_000);
    const firstPid = jsonStates(run).find((s) => s.state === 'up')!.pid!;
    expect(isAlive(firstPid)).toBe(true);
    const client = await WsTestClient.connected(localUrl, { auth: { token: app.token } });
    expect(client.challengeNonce).toEqual(expect.any(String));
    await client.close();

    process.kill(firstPid, 'SIGKILL');
    await run.waitFor(/"state":"up"[\s\S]*"state":"up"/, 20_000);
    const states = jsonStates(run);
    expect(states.map((s) => s.state)).toEqual(['starting', 'up', 'down', 'restarting', 'starting', 'up']);
    expect(states[2]).toMatchObject({ kind: 'unknown', reason: 'ssh stopped (killed by SIGKILL)' });
    const secondPid = states[5].pid!;
    expect(secondPid).not.toBe(firstPid);
    const again = await WsTestClient.connected(localUrl, { auth: { token: app.token } });
    expect((await again.request('health')).ok).toBe(true);
    await again.close();

    run.child.kill('SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(jsonStates(run).pop()).toMatchObject({ state: 'stopped' });
    expect(isAlive(secondPid)).toBe(false);
    expect(await isLocalPortInUse(localPort)).toBe(false);
  }, 60_000);

  it('opens a one-shot tunnel for a caller and closes it afterwards', async () => {
    const sshOptions = [`UserKnownHostsFile=${knownHosts}`, 'GlobalKnownHostsFile=/dev/null', 'StrictHostKeyChecking=accept-new'];
    let usedUrl = '';
    const health = await withTemporaryTunnel(
      { target: target(), identity: server.clientKey, remotePort: app.port, sshOptions },
      async (localUrl) => {
        usedUrl = localUrl;
        const client = await WsTestClient.connected(localUrl, { auth: { token: app.token } });
        const res = await client.request('health');
        await client.close();
        return res.ok;
      },
    );
    expect(health).toBe(true);
    expect(await isLocalPortInUse(Number(new URL(usedUrl).port))).toBe(false);
  }, 30_000);

  it('names the process holding a taken local port instead of starting ssh', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const run = tunnel([
        '--identity',
        server.clientKey,
        '--local-port',
        String(port),
        '--remote-port',
        String(app.port),
        ...trustOnFirstUse(),
      ]);
      expect((await run.exited).code).toBe(2);
      expect(run.output()).toContain(`local port ${port} is already in use`);
      if (process.platform === 'linux') expect(run.output()).toContain(`(pid ${process.pid})`);
      expect(run.output()).toContain('--local-port');
      expect(run.output()).not.toMatch(/\u001b\[/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 30_000);

  it('explains a refused key, naming it, and does not retry', async () => {
    const run = tunnel([
      '--identity',
      server.wrongKey,
      '--local-port',
      String(await freePort()),
      '--remote-port',
      String(app.port),
      ...trustOnFirstUse(),
    ]);
    expect((await run.exited).code).toBe(2);
    const output = run.output();
    expect(output).toContain(`refused the login: tried the key ${server.wrongKey}`);
    expect(output).toContain(`add ${server.wrongKey}.pub to ~/.ssh/authorized_keys`);
    expect(output).not.toContain('restarting');
  }, 30_000);

  it('explains an unknown host key and how to accept it, keeping ssh strict by default', async () => {
    const emptyKnownHosts = path.join(server.dir, 'empty_known_hosts');
    fs.writeFileSync(emptyKnownHosts, '');
    const run = tunnel([
      '--identity',
      server.clientKey,
      '--local-port',
      String(await freePort()),
      '--remote-port',
      String(app.port),
      '--ssh-option',
      `UserKnownHostsFile=${emptyKnownHosts}`,
      '--ssh-option',
      'GlobalKnownHostsFile=/dev/null',
    ]);
    expect((await run.exited).code).toBe(2);
    expect(run.output()).toContain(`the host key of [127.0.0.1]:${server.port} is not in your known_hosts`);
    expect(run.output()).toContain('StrictHostKeyChecking=accept-new');
    expect(fs.readFileSync(emptyKnownHosts, 'utf8')).toBe('');
  }, 30_000);

  it('gateway probe --ssh reaches the remote gateway through a temporary tunnel and closes it', async () => {
    const cliDir = makeStateDir();
    // The gateway as the laptop knows it: its port and token, reached only through ssh.
    fs.writeFileSync(
      path.join(cliDir, 'nestclaw.json'),
      JSON.stringify({ gateway: { port: app.port, remote: { token: app.token } } }),
    );
    const run = runCli(
      ['gateway', 'probe', '--ssh', target(), '--ssh-identity', server.clientKey, ...trustOnFirstUse(), '--json'],
      { NESTCLAW_STATE_DIR: cliDir, NESTCLAW_GATEWAY_PORT: String(await freePort()) },
    );
    runs.push(run);
    expect((await run.exited).code).toBe(0);
    const results = JSON.parse(run.output()) as Array<{
      name: string;
      reachable: boolean;
      authenticated: boolean;
      source: string;
    }>;
    expect(results.find((r) => r.name === 'ssh')).toMatchObject({
      reachable: true,
      authenticated: true,
      source: `SSH tunnel to ${target()}`,
    });
    expect(results.find((r) => r.name === 'loopback')).toMatchObject({ reachable: false });
    fs.rmSync(cliDir, { recursive: true, force: true });
  }, 40_000);

  it('exits 3 with a fix when the usage is wrong', async () => {
    const noTarget = runCli(['tunnel', 'ssh'], { NESTCLAW_STATE_DIR: stateDir });
    expect((await noTarget.exited).code).toBe(3);
    expect(noTarget.output()).toContain('no SSH target');
    const badPort = tunnel(['--local-port', 'http']);
    expect((await badPort.exited).code).toBe(3);
    expect(badPort.output()).toContain('--local-port must be a whole number from 1 to 65535');
  }, 30_000);
});
