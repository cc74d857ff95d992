import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/common/config';
import { DeviceIdentity, generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import { NodeCloseReason, type EventFrame, type ResponseFrame } from '../../src/common/protocol';
import { startGateway, type RunningGateway } from '../../src/main';
import { CliRun, runCli } from '../support/cli-process';
import { until } from '../support/fake-gateway';
import { createTestApp, stateDirPool, TestApp } from '../support/test-app';
import { baseConnectParams, WsTestClient } from '../support/ws-test-client';

jest.setTimeout(60_000);

const TOKEN = 'the-real-gateway-token-for-hostile-node-tests';

interface NodeOptions {
  clientId: string;
  displayName?: string;
  instanceId?: string;
}

/** A node on a test socket; with an identity it signs this socket's challenge, as a real node host does. */
async function openNode(url: string, options: NodeOptions, identity?: DeviceIdentity) {
  const client = await WsTestClient.open(url);
  const device = identity
    ? signDeviceProof(identity, {
        clientId: options.clientId,
        clientMode: 'node',
        role: 'node',
        scopes: [],
        signedAtMs: Date.now(),
        token: TOKEN,
        nonce: client.challengeNonce,
      })
    : undefined;
  const params = {
    ...baseConnectParams(),
    role: 'node',
    client: {
      id: options.clientId,
      version: '1.0.0',
      platform: 'linux',
      mode: 'node',
      ...(options.displayName ? { displayName: options.displayName } : {}),
      ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    },
    caps: ['system'],
    commands: ['system.which'],
    auth: { token: TOKEN },
    ...(device ? { device } : {}),
  };
  return { client, params };
}

async function connectNode(url: string, options: NodeOptions, identity?: DeviceIdentity): Promise<WsTestClient> {
  const { client, params } = await openNode(url, options, identity);
  const res = await client.request('connect', params);
  if (!res.ok) throw new Error(`node connect refused: ${JSON.stringify(res.error)}`);
  return client;
}

/** Answers every node.invoke.request on this socket with the node's own label, so the caller sees who ran it. */
function answerAs(node: WsTestClient, label: string): EventFrame[] {
  const seen: EventFrame[] = [];
  node.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as EventFrame;
    if (frame.type !== 'event' || frame.event !== 'node.invoke.request') return;
    seen.push(frame);
    const request = frame.payload as { id: string; nodeId: string };
    node.sendJson({
      type: 'req',
      id: randomUUID(),
      method: 'node.invoke.result',
      params: { id: request.id, nodeId: request.nodeId, ok: true, payload: { ranOn: label } },
    });
  });
  return seen;
}

const invoke = (operator: WsTestClient, nodeId: string): Promise<ResponseFrame> =>
  operator.request('node.invoke', {
    nodeId,
    command: 'system.which',
    params: { bins: ['sh'] },
    idempotencyKey: randomUUID(),
  });

describe('node identity', () => {
  let app: TestApp;
  let operator: WsTestClient;
  const opened: WsTestClient[] = [];
  const track = (client: WsTestClient) => (opened.push(client), client);

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { auth: { token: TOKEN } } } });
    operator = await WsTestClient.connected(app.url, { auth: { token: TOKEN } });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((client) => client.close()));
  });
  afterAll(async () => {
    await operator.close();
    await app.close();
  });

  it("does not let a node without a device key capture a paired node's calls by its id or its name", async () => {
    const identity = generateDeviceIdentity();
    const paired = track(await connectNode(app.url, { clientId: 'node-a', displayName: 'Build Box' }, identity));
    const pairedCalls = answerAs(paired, 'paired');
    // The impostor knows the secret, and claims the paired node's id as its client id and its name.
    const impostor = track(await connectNode(app.url, { clientId: identity.deviceId, displayName: 'Build Box' }));
    const impostorCalls = answerAs(impostor, 'impostor');

    const byId = await invoke(operator, identity.deviceId);
    const byName = await invoke(operator, 'build box');

    expect(byId.payload).toMatchObject({ nodeId: identity.deviceId, payload: { ranOn: 'paired' } });
    expect(byName.payload).toMatchObject({ nodeId: identity.deviceId, payload: { ranOn: 'paired' } });
    expect(pairedCalls).toHaveLength(2);
    expect(impostorCalls).toHaveLength(0);
    const { nodes } = (await operator.request('node.list')).payload as { nodes: Array<{ nodeId: string; paired: boolean }> };
    expect(nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: identity.deviceId, paired: true }),
        expect.objectContaining({ nodeId: `client:${identity.deviceId}`, paired: false }),
      ]),
    );
  });

  it('lets the newer of two connections with one device identity win, and tells the older why instead of flapping', async () => {
    const identity = generateDeviceIdentity();
    const hostA = track(await connectNode(app.url, { clientId: 'clone', instanceId: 'host-a' }, identity));
    const hostB = track(await connectNode(app.url, { clientId: 'clone', instanceId: 'host-b' }, identity));
    expect(await hostA.waitClosed()).toEqual({ code: 1008, reason: NodeCloseReason.Replaced });

    // Host A comes back, as its reconnect loop would: it is refused while host B holds the id.
    const retry = await openNode(app.url, { clientId: 'clone', instanceId: 'host-a' }, identity);
    track(retry.client);
    // Sent without awaiting an answer: the refusal is the close, which comes instead of hello-ok.
    retry.client.sendJson({ type: 'req', id: 'connect-again', method: 'connect', params: retry.params });
    expect(await retry.client.waitClosed()).toEqual({ code: 1008, reason: NodeCloseReason.IdentityInUse });

    answerAs(hostB, 'host-b');
    expect((await invoke(operator, identity.deviceId)).payload).toMatchObject({ payload: { ranOn: 'host-b' } });
    expect(hostB.socket.readyState).toBe(hostB.socket.OPEN);
  });
});

describe('a real node host recovers its device token', () => {
  const dirs = stateDirPool();
  let gateway: { url: string; port: number; close(): Promise<void> } | undefined;
  let run: CliRun | undefined;

  afterAll(async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await gateway?.close();
    dirs.removeAll();
  });

  type Line = { event: string; [key: string]: unknown };
  const lines = (): Line[] =>
    run!
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Line);
  const waitForEvents = (event: string, count: number) =>
    until(
      () => (lines().filter((line) => line.event === event).length >= count ? true : undefined),
      20_000,
      `${count} × ${event} in:\n${run!.output()}`,
    );

  /** A gateway on a given port with a given state dir: the same address before and after its state is wiped. */
  async function startOn(port: number, stateDir: string): Promise<RunningGateway> {
    const config = loadConfig({
      env: { NESTCLAW_STATE_DIR: stateDir },
      homeDir: stateDir,
      readFile: () => JSON.stringify({ gateway: { auth: { token: TOKEN } } }),
    });
    return startGateway({ config, listenPort: port, logLevels: false });
  }

  async function asOperator<T>(url: string, act: (operator: WsTestClient) => Promise<T>): Promise<T> {
    const operator = await WsTestClient.connected(url, { auth: { token: TOKEN } });
    try {
      return await act(operator);
    } finally {
      await operator.close();
    }
  }

  const nodeIdOfRun = () => lines().find((line) => line.event === 'starting')!.nodeId as string;

  it('after a revoke, a rotate and a gateway whose state dir was reset (its token not offered there), and says what it did', async () => {
    const first = await createTestApp({ config: { gateway: { auth: { token: TOKEN } } }, stateDir: dirs.make() });
    gateway = first;
    run = runCli(['node', 'run', '--url', first.url, '--token', TOKEN, '--json'], { NESTCLAW_STATE_DIR: dirs.make() });
    await waitForEvents('connected', 1);
    expect(lines().find((line) => line.event === 'connected')).toMatchObject({ deviceTokenIssued: true });
    const nodeId = nodeIdOfRun();

    // Revoke: the session closes, the stored token is refused as revoked, dropped, and the secret pairs again.
    const revoked = await asOperator(first.url, (op) => op.request('device.token.revoke', { deviceId: nodeId, role: 'node' }));
    expect(revoked.payload).toMatchObject({ disconnected: 1 });
    await waitForEvents('connected', 2);
    expect(lines().filter((line) => line.event === 'device-token-dropped')[0]).toMatchObject({
      reason: 'device-token-revoked',
      retryWith: 'token',
    });

    // Rotate: the operator's new token replaces the node's, whose session is closed like on revoke.
    const rotated = await asOperator(first.url, (op) => op.request('device.token.rotate', { deviceId: nodeId, role: 'node' }));
    expect(rotated.payload).toMatchObject({ deviceId: nodeId, disconnected: 1 });
    await waitForEvents('connected', 3);
    expect(lines().filter((line) => line.event === 'device-token-dropped')[1]).toMatchObject({
      reason: 'device-token-mismatch',
    });

    // Reset: the same address, a wiped state dir, so a new gateway id. The old gateway's
    // token is not offered to it at all (issue 12: tokens are bound to the gateway id);
    // the node gets in with the shared secret and is paired anew.
    const port = first.port;
    await first.close();
    gateway = undefined;
    const fresh = await startOn(port, dirs.make());
    gateway = { url: first.url, port, close: () => fresh.close() };
    await waitForEvents('connected', 4);
    const { nodes } = await asOperator(
      first.url,
      async (op) => (await op.request('node.list')).payload as { nodes: Array<{ nodeId: string; connected: boolean }> },
    );
    expect(nodes).toEqual([expect.objectContaining({ nodeId, connected: true, paired: true })]);
    expect(lines().filter((line) => line.event === 'device-token-dropped')).toHaveLength(2);
  });
});
