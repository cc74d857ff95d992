import { ChildProcess } from 'node:child_process';
import { createTestApp, TestApp } from '../support/test-app';
import {
  collectOutput,
  describeWithReferences,
  ReferenceRelease,
  ReferenceSandbox,
  stopProcess,
} from '../support/reference-install';
import { WsTestClient } from '../support/ws-test-client';

/**
 * The reference releases' own CLI (remote mode, the seeds' recipe) and node
 * host against a real nestclaw gateway. Reference CLIs take 10-20 s to start,
 * so the commands run one after another against one gateway per release.
 */
const describeInterop = describeWithReferences();

const SLOW = 240_000;

interface NodeEntry {
  nodeId: string;
  displayName?: string;
  connected: boolean;
  commands: string[];
}

async function waitForNode(operator: WsTestClient, displayName: string, log: () => string): Promise<NodeEntry> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const res = await operator.request('node.list');
    const node = (res.payload as { nodes: NodeEntry[] }).nodes.find((n) => n.displayName === displayName && n.connected);
    if (node) return node;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`node ${displayName} never connected:\n${log().slice(-2000)}`);
}

describe.each<[ReferenceRelease]>([['january'], ['current']])('%s reference clients against nestclaw', (release) => {
  describeInterop('', () => {
    let app: TestApp;
    let sandbox: ReferenceSandbox;
    let operator: WsTestClient;
    let nodeHost: ChildProcess | undefined;

    beforeAll(async () => {
      app = await createTestApp();
      sandbox = new ReferenceSandbox(release);
      sandbox.writeConfig({ gateway: { mode: 'remote', remote: { url: app.url, token: app.token } } });
      operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    });

    afterAll(async () => {
      await stopProcess(nodeHost);
      await operator?.close();
      await app?.close();
      sandbox?.remove();
    });

    const cli = async (args: string[]) => {
      const { code, output } = await sandbox.run(args);
      if (code !== 0) throw new Error(`${release} CLI \`${args.join(' ')}\` exited ${code}:\n${output.slice(-3000)}`);
      return output;
    };

    it(
      'health --json',
      async () => {
        const output = await cli(['health', '--json']);
        expect(JSON.parse(output.slice(output.indexOf('{')))).toMatchObject({ ok: true });
      },
      SLOW,
    );

    it(
      'status --deep probes the gateway (health {probe})',
      async () => {
        expect(await cli(['status', '--deep'])).toMatch(/reachable/i);
      },
      SLOW,
    );

    it(
      'gateway call with the reference params (health {probe:true}, channels.status {probe, timeoutMs})',
      async () => {
        await cli(['gateway', 'call', 'health', '--params', '{"probe":true}']);
        const output = await cli(['gateway', 'call', 'channels.status', '--params', '{"probe":false,"timeoutMs":5000}']);
        expect(output).toContain('"channels"');
      },
      SLOW,
    );

    it(
      'channels status',
      async () => {
        expect(await cli(['channels', 'status'])).toMatch(/Gateway reachable/);
      },
      SLOW,
    );

    it(
      'devices list',
      async () => {
        // The January CLI presents a device (paired silently, being local); the current one, holding the
        // shared token, may not. Either way the CLI must show what the gateway holds.
        const output = await cli(['devices', 'list']);
        const res = await operator.request('device.pair.list');
        const { paired } = res.payload as { paired: Array<{ deviceId: string }> };
        if (paired.length === 0) expect(output).toMatch(/No device pairing entries/);
        // Tables wrap long ids; the first 12 hex digits always stay on one line.
        else for (const device of paired) expect(output).toContain(device.deviceId.slice(0, 12));
      },
      SLOW,
    );

    it(
      'logs --json reads the gateway log through logs.tail',
      async () => {
        const output = await cli(['logs', '--limit', '20', '--json']);
        const records = output
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as { type: string });
        expect(records[0]).toMatchObject({ type: 'meta' });
      },
      SLOW,
    );

    it(
      'agent with a sessionId runs the builtin /status command',
      async () => {
        const output = await cli(['agent', '--message', '/status', '--session-id', 'interop-session', '--json']);
        expect(output).toMatch(/"status": "ok"/);
      },
      SLOW,
    );

    it(
      'node run connects as a node that nestclaw can invoke, and nodes status sees it',
      async () => {
        const displayName = `interop-${release}-node`;
        nodeHost = sandbox.spawn(
          ['node', 'run', '--host', '127.0.0.1', '--port', String(app.port), '--display-name', displayName],
          { [`${sandbox.install.envPrefix}_GATEWAY_TOKEN`]: app.token },
        );
        const node = await waitForNode(operator, displayName, collectOutput(nodeHost));

        const res = await operator.request(
          'node.invoke',
          { nodeId: node.nodeId, command: 'system.which', params: { bins: ['sh'] }, idempotencyKey: `which-${release}` },
          60_000,
        );
        expect(res.ok).toBe(true);
        expect(JSON.stringify(res.payload)).toMatch(/\/sh/);
        expect(await cli(['nodes', 'status'])).toMatch(/Connected: 1/);
      },
      SLOW + 180_000,
    );
  });
});
