import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import { runCli, CliRun } from '../support/cli-process';
import { freePort } from '../support/free-port';
import { stateDirPool } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

/** Every secret kind, none shaped like a well-known token, so only redaction by value can catch them. */
const SECRETS = {
  gatewayToken: 'gateway-token-for-console-test-3b9c2e7d',
  remotePassword: 'remote-password-console-8d1f',
  webhookSecret: 'webhook_secret_console_6a2b',
  apiKey: 'model-api-key-console-4c5d6e',
};
const ANSI = /\x1b\[/;

/**
 * The real `nestclaw gateway run` with stdout piped, as under journald or
 * `docker logs`: what an operator reads there. NO_COLOR is left unset on
 * purpose, so only the "not a terminal" rule keeps colour codes out.
 */
describe('gateway console log (real process, stdout piped)', () => {
  const pool = stateDirPool();
  const runs: CliRun[] = [];
  afterAll(async () => {
    for (const run of runs) {
      if (run.child.exitCode === null) {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    }
    pool.removeAll();
  });

  const start = async (extraArgs: string[]): Promise<{ run: CliRun; url: string }> => {
    const dir = pool.make();
    fs.writeFileSync(
      path.join(dir, 'nestclaw.json'),
      JSON.stringify({
        gateway: { remote: { password: SECRETS.remotePassword } },
        channels: {
          telegram: { enabled: false, webhookUrl: 'https://bot.example.test/hook', webhookSecret: SECRETS.webhookSecret },
        },
        agent: { provider: 'builtin', apiKey: SECRETS.apiKey },
      }),
      { mode: 0o600 },
    );
    const port = await freePort();
    const run = runCli(['gateway', 'run', '--port', String(port), ...extraArgs], {
      NESTCLAW_STATE_DIR: dir,
      NESTCLAW_GATEWAY_TOKEN: SECRETS.gatewayToken,
      NO_COLOR: '',
    });
    runs.push(run);
    await run.waitFor(`ws://127.0.0.1:${port}`);
    return { run, url: `ws://127.0.0.1:${port}` };
  };

  /** A device the gateway does not know connects from outside (its Host names another address): it must ask to pair. */
  const remoteDeviceAsksToPair = async (url: string): Promise<string> => {
    const client = await WsTestClient.open(url, { headers: { host: '192.0.2.10:18789' } });
    const info = { id: 'phone-app', version: '2.0', platform: 'android', mode: 'ui', displayName: 'Pixel' };
    const res = await client.connect({
      client: info,
      auth: { token: SECRETS.gatewayToken },
      device: signDeviceProof(generateDeviceIdentity(), {
        clientId: info.id,
        clientMode: info.mode,
        role: 'operator',
        scopes: [],
        signedAtMs: Date.now(),
        token: SECRETS.gatewayToken,
        nonce: client.challengeNonce,
      }),
    });
    await client.waitClosed();
    expect(res.error).toMatchObject({ code: 'NOT_PAIRED' });
    return (res.error!.details as { requestId: string }).requestId;
  };

  /** A node connects, asks to pair, asks for an exec approval with every secret in its program, and an operator runs the agent. */
  const exercise = async (run: CliRun, url: string): Promise<{ pairRequestId: string }> => {
    const node = await WsTestClient.connected(url, {
      role: 'node',
      client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node', displayName: 'console-node' },
      auth: { token: SECRETS.gatewayToken },
    });
    const operator = await WsTestClient.connected(url, { auth: { token: SECRETS.gatewayToken } });
    try {
      const pair = await operator.request('node.pair.request', { nodeId: 'console-pair-node', displayName: 'Pi in the shed' });
      const pairRequestId = (pair.payload as { requestId: string }).requestId;
      const approval = node.request('exec.approval.request', {
        argv: [`/bin/${Object.values(SECRETS).join('/')}`],
        timeoutMs: 1_000,
      });
      const agent = await operator.request('agent', {
        message: '/status',
        sessionKey: 'main:operator:console',
        idempotencyKey: randomUUID(),
      });
      expect(agent.ok).toBe(true);
      await approval;
      await run.waitFor(/run \S+ in main:operator:console ended/);
      await run.waitFor(/exec approval \S+: deny/);
      return { pairRequestId };
    } finally {
      await operator.close();
      await node.close();
    }
  };

  it('prints plain text lines: no colour codes, an info line per pairing request, node, run and approval, no secret', async () => {
    const { run, url } = await start([]);
    const { pairRequestId } = await exercise(run, url);
    const deviceRequestId = await remoteDeviceAsksToPair(url);
    await run.waitFor('node "console-node"');
    await run.waitFor(`nestclaw devices approve ${deviceRequestId}`);

    const output = run.output();
    expect(output).not.toMatch(ANSI);
    expect(output).toMatch(/INFO +\[Nodes\] node "console-node" \("client:[^"]*", "linux"\) connected from 127\.0\.0\.1/);
    expect(output).toContain(
      `node pairing request ${pairRequestId}: node "console-pair-node" named "Pi in the shed", platform (none), from 127.0.0.1; approve with \`nestclaw nodes approve ${pairRequestId}\``,
    );
    expect(output).toMatch(
      new RegExp(
        `INFO +\\[Pairing\\] device pairing request ${deviceRequestId}: "Pixel" \\("android", phone-app\\) from 127\\.0\\.0\\.1 asks for role operator; approve with \`nestclaw devices approve ${deviceRequestId}\``,
      ),
    );
    expect(output).toMatch(/INFO +\[Agent\] run \S+ in main:operator:console started/);
    expect(output).toMatch(/INFO +\[Agent\] run \S+ in main:operator:console ended ok after \d+ ms/);
    expect(output).toMatch(/INFO +\[ExecApprovals\] exec approval \S+: .*asks to run "\/bin\/\[redacted\]/);
    // Nest's one-line-per-module start-up chatter stays out of journald unless --verbose.
    expect(output).not.toContain('InstanceLoader');
    for (const secret of Object.values(SECRETS)) expect(output).not.toContain(secret);
  }, 60_000);

  it('--log-format json: every stdout line, the banner included, is one JSON record', async () => {
    const { run, url } = await start(['--log-format', 'json']);
    await exercise(run, url);
    await run.waitFor('"context":"Nodes"');

    const lines = run.output().trimEnd().split('\n');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as { time: string; level: string; context?: string; message: string };
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    for (const record of records) {
      expect(record).toEqual({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
        level: expect.stringMatching(/^(error|warn|info)$/),
        ...(record.context !== undefined ? { context: expect.any(String) } : {}),
        message: expect.any(String),
      });
    }
    expect(records).toContainEqual(
      expect.objectContaining({ level: 'info', context: 'Gateway', message: expect.stringContaining('listening on ws://') }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ context: 'Nodes', message: expect.stringContaining('node "console-node"') }),
    );
    expect(run.output()).not.toMatch(ANSI);
    for (const secret of Object.values(SECRETS)) expect(run.output()).not.toContain(secret);
  }, 60_000);
});
