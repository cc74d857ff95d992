import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliRun, runCli } from '../support/cli-process';
import { ForwardingProxy } from '../support/forwarding-proxy';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';

/**
 * The whole node story with real processes: a node host that looks remote
 * pairs, the owner approves it with the CLI, it reconnects with its device
 * token, and the CLI runs a command on it through the gateway.
 */
describe('remote node: pair, approve, invoke (real gateway, node host and CLI)', () => {
  let app: TestApp;
  let proxy: ForwardingProxy;
  let nodeDir: string;
  const runs: CliRun[] = [];
  const operatorEnv = () => ({ NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });
  const cli = async (args: string[]) => {
    const run = runCli(args, operatorEnv());
    const { code } = await run.exited;
    return { code, output: run.output() };
  };
  const startNode = (token: string, exec: string) => {
    const run = runCli(
      ['node', 'run', '--url', proxy.url, '--token', token, '--exec', exec, '--display-name', 'garage', '--json'],
      { NESTCLAW_STATE_DIR: nodeDir },
    );
    runs.push(run);
    return run;
  };
  const stopNode = async (run: CliRun) => {
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  };

  beforeAll(async () => {
    app = await createTestApp();
    proxy = await ForwardingProxy.start(app.port);
    nodeDir = makeStateDir();
  });
  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await proxy.close();
    await app.close();
    fs.rmSync(nodeDir, { recursive: true, force: true });
  });

  it('pairs through the CLI, then runs system.run on the node', async () => {
    const node = startNode(app.token, 'full');
    await node.waitFor('waiting for approval');

    const pending = await cli(['nodes', 'pending', '--json']);
    const [request] = JSON.parse(pending.output).pending as Array<{ requestId: string; displayName: string; remoteIp: string }>;
    expect(request).toMatchObject({ displayName: 'garage', remoteIp: '127.0.0.1' });
    expect((await cli(['nodes', 'approve', request.requestId])).code).toBe(0);

    await node.waitFor('"deviceTokenIssued":true', 30_000);
    const tokens = path.join(nodeDir, 'identity', 'device-tokens.json');
    expect(fs.statSync(tokens).mode & 0o777).toBe(0o600);

    const listed = JSON.parse((await cli(['nodes', 'list', '--json'])).output).nodes;
    expect(listed).toEqual([
      expect.objectContaining({
        displayName: 'garage',
        connected: true,
        paired: true,
        commands: expect.arrayContaining(['system.run']),
      }),
    ]);

    const invoked = await cli([
      'nodes',
      'invoke',
      '--node',
      'garage',
      '--command',
      'system.run',
      '--params',
      '{"command":["echo","hello from the node"]}',
    ]);
    expect(invoked.code).toBe(0);
    expect(invoked.output).toContain('hello from the node');
    expect(invoked.output).toContain('exit code 0');
    await stopNode(node);
  }, 60_000);

  it('reconnects with its device token alone (a wrong shared token no longer matters)', async () => {
    const node = startNode('not-the-gateway-token', 'deny');
    await node.waitFor('"event":"connected"', 15_000);

    // Under the deny policy the node itself refuses, and says how to allow it.
    const refused = await cli([
      'nodes',
      'invoke',
      '--node',
      'garage',
      '--command',
      'system.run',
      '--params',
      '{"command":["echo","x"]}',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('EXEC_DENIED');
    await stopNode(node);
  }, 30_000);

  it('lists a paired node that went offline with the time it was last seen', async () => {
    const node = startNode('not-the-gateway-token', 'deny');
    await node.waitFor('"event":"connected"', 15_000);
    const startedAtMs = Date.now();
    await stopNode(node);

    // The gateway notices the closed socket on its own schedule: wait for that, not for a fixed time.
    let offline: { connected: boolean; lastSeenAtMs?: number } | undefined;
    for (let attempt = 0; attempt < 20 && offline?.connected !== false; attempt++) {
      offline = JSON.parse((await cli(['nodes', 'list', '--json'])).output).nodes[0];
    }
    expect(offline).toMatchObject({ connected: false, paired: true });
    expect(offline!.lastSeenAtMs).toBeGreaterThanOrEqual(startedAtMs);
    expect(offline!.lastSeenAtMs).toBeLessThanOrEqual(Date.now());

    const listed = await cli(['nodes', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(/garage\s+\S+\s+linux\s+offline\/paired\s+-\s+127\.0\.0\.1\s+\d+s ago/);
    expect((await cli(['nodes', 'describe', 'garage'])).output).toMatch(/last seen\s+\d+s ago/);
  }, 60_000);

  it('is cut off when the device is revoked', async () => {
    const node = startNode('not-the-gateway-token', 'deny');
    await node.waitFor('"event":"connected"', 15_000);
    const deviceId = JSON.parse((await cli(['nodes', 'list', '--json'])).output).nodes[0].nodeId as string;
    expect((await cli(['devices', 'revoke', deviceId])).code).toBe(0);
    await node.waitFor('device revoked', 10_000);
    await stopNode(node);
  }, 30_000);
});
