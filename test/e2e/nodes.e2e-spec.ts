import { randomUUID } from 'node:crypto';
import { DeviceIdentity, generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import type { HelloOk, ResponseFrame } from '../../src/common/protocol';
import type { InvokeRequestEvent, NodeSummary } from '../../src/modules/nodes/nodes.types';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(20_000);

const DECLARED = ['system.which', 'system.run', 'test.echo', 'test.slow', 'test.fail', 'camera.snap'];
const CONFIG = { gateway: { nodes: { allowCommands: ['test.*'], denyCommands: ['system.run'] } } };

interface NodeOptions {
  clientId: string;
  displayName?: string;
  commands?: string[];
}

describe('nodes', () => {
  let app: TestApp;
  let operator: WsTestClient;
  /** A node with a device identity; from loopback it is paired silently. */
  let nodeA: WsTestClient;
  let identityA: DeviceIdentity;
  /** A node with only the shared token: its node id is its client id. */
  let nodeB: WsTestClient;
  const opened: WsTestClient[] = [];

  const track = (client: WsTestClient) => {
    opened.push(client);
    return client;
  };

  async function connectDeviceNode(identity: DeviceIdentity, options: NodeOptions): Promise<WsTestClient> {
    const client = track(await WsTestClient.open(app.url));
    const device = signDeviceProof(identity, {
      clientId: options.clientId,
      clientMode: 'node',
      role: 'node',
      scopes: [],
      signedAtMs: Date.now(),
      token: app.token,
      nonce: client.challengeNonce,
    });
    const res = await client.connect({
      role: 'node',
      client: { id: options.clientId, version: '2.0.0', platform: 'linux', mode: 'node', displayName: options.displayName },
      caps: ['system'],
      commands: options.commands ?? DECLARED,
      permissions: { exec: true },
      auth: { token: app.token },
      device,
    });
    if (!res.ok) throw new Error(`node connect refused: ${JSON.stringify(res.error)}`);
    return client;
  }

  async function connectPlainNode(options: NodeOptions): Promise<WsTestClient> {
    return track(
      await WsTestClient.connected(app.url, {
        role: 'node',
        client: { id: options.clientId, version: '2.0.0', platform: 'linux', mode: 'node', displayName: options.displayName },
        commands: options.commands ?? DECLARED,
        auth: { token: app.token },
      }),
    );
  }

  const invoke = (params: Record<string, unknown>, client = operator) =>
    client.request('node.invoke', { idempotencyKey: randomUUID(), ...params });

  async function nextInvoke(node: WsTestClient): Promise<InvokeRequestEvent> {
    return (await node.nextEvent('node.invoke.request')).payload as InvokeRequestEvent;
  }

  const listNodes = async (): Promise<NodeSummary[]> => {
    const res = await operator.request('node.list', {});
    expect(res.ok).toBe(true);
    return (res.payload as { nodes: NodeSummary[] }).nodes;
  };

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    app = await createTestApp({ config: CONFIG });
    operator = track(await WsTestClient.connected(app.url, { auth: { token: app.token } }));
    identityA = generateDeviceIdentity();
    nodeA = await connectDeviceNode(identityA, { clientId: 'node-a', displayName: 'Build Box' });
    nodeB = await connectPlainNode({ clientId: 'plain-node' });
  });

  afterAll(async () => {
    await Promise.all(opened.map((client) => client.close()));
    await app.close();
  });

  it('advertises the node methods and events in hello-ok', async () => {
    const client = track(await WsTestClient.open(app.url));
    const res = await client.connect({ auth: { token: app.token } });
    const hello = res.payload as HelloOk;
    expect(hello.features.methods).toEqual(
      expect.arrayContaining(['node.list', 'node.describe', 'node.invoke', 'node.invoke.result', 'node.event', 'node.rename']),
    );
    expect(hello.features.events).toEqual(expect.arrayContaining(['node.invoke.request', 'node.event']));
    await client.close();
  });

  describe('node.list and node.describe', () => {
    it('lists connected nodes with their paired state and the commands the allowlist lets through', async () => {
      const nodes = await listNodes();
      const a = nodes.find((n) => n.nodeId === identityA.deviceId);
      const b = nodes.find((n) => n.nodeId === 'client:plain-node');
      expect(a).toEqual({
        nodeId: identityA.deviceId,
        displayName: 'Build Box',
        platform: 'linux',
        version: '2.0.0',
        remoteIp: '127.0.0.1',
        caps: ['system'],
        commands: ['system.which', 'test.echo', 'test.slow', 'test.fail'],
        permissions: { exec: true },
        connectedAtMs: expect.any(Number),
        paired: true,
        connected: true,
      });
      expect(b).toMatchObject({ nodeId: 'client:plain-node', paired: false, connected: true });
    });

    it('describes a node by id or by display name, ignoring case', async () => {
      const byId = await operator.request('node.describe', { nodeId: 'client:plain-node' });
      const byName = await operator.request('node.describe', { nodeId: 'build box' });
      expect(byId.payload).toMatchObject({ nodeId: 'client:plain-node' });
      expect(byName.payload).toMatchObject({ nodeId: identityA.deviceId });
    });

    it('refuses to describe an unknown node', async () => {
      const res = await operator.request('node.describe', { nodeId: 'nobody' });
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/^unknown node/) });
    });

    it('lists a paired node that went offline as connected:false', async () => {
      const identity = generateDeviceIdentity();
      const node = await connectDeviceNode(identity, { clientId: 'node-d', displayName: 'Attic' });
      await node.close();
      let entry: NodeSummary | undefined;
      for (let i = 0; i < 40 && entry?.connected !== false; i++) {
        await pause(25);
        entry = (await listNodes()).find((n) => n.nodeId === identity.deviceId);
      }
      expect(entry).toMatchObject({
        nodeId: identity.deviceId,
        displayName: 'Attic',
        paired: true,
        connected: false,
        commands: [],
      });
    });
  });

  describe('node.invoke', () => {
    it('round-trips a command: params reach the node as paramsJSON and the result comes back', async () => {
      const params = { text: 'hello', list: [1, 2, { deep: true }] };
      const key = randomUUID();
      const pending = invoke({ nodeId: identityA.deviceId, command: 'test.echo', params, idempotencyKey: key });

      const request = await nextInvoke(nodeA);
      expect(request).toEqual({
        id: expect.any(String),
        nodeId: identityA.deviceId,
        command: 'test.echo',
        paramsJSON: JSON.stringify(params),
        timeoutMs: 30_000,
        idempotencyKey: key,
      });
      const ack = await nodeA.request('node.invoke.result', {
        id: request.id,
        nodeId: request.nodeId,
        ok: true,
        payload: { echoed: params },
      });
      expect(ack).toMatchObject({ ok: true, payload: { ok: true } });

      const res = await pending;
      expect(res.payload).toEqual({
        ok: true,
        nodeId: identityA.deviceId,
        command: 'test.echo',
        payload: { echoed: params },
        payloadJSON: JSON.stringify({ echoed: params }),
      });
    });

    it('reaches a node addressed by its display name', async () => {
      const pending = invoke({ nodeId: 'BUILD BOX', command: 'system.which', params: { bins: ['git'] } });
      const request = await nextInvoke(nodeA);
      await nodeA.request('node.invoke.result', {
        id: request.id,
        nodeId: request.nodeId,
        ok: true,
        payloadJSON: '{"bins":{"git":"/usr/bin/git"}}',
      });
      expect((await pending).payload).toMatchObject({ payload: { bins: { git: '/usr/bin/git' } } });
    });

    it('passes a node error on as UNAVAILABLE with details.nodeError', async () => {
      const pending = invoke({ nodeId: identityA.deviceId, command: 'test.fail' });
      const request = await nextInvoke(nodeA);
      expect(request).not.toHaveProperty('paramsJSON');
      await nodeA.request('node.invoke.result', {
        id: request.id,
        nodeId: request.nodeId,
        ok: false,
        error: { code: 'EXIT_1', message: 'it failed' },
      });
      expect((await pending).error).toMatchObject({
        code: 'UNAVAILABLE',
        details: { nodeError: { code: 'EXIT_1', message: 'it failed' } },
      });
    });

    it('times out with nodeError.code TIMEOUT and acknowledges a late result as ignored', async () => {
      const started = Date.now();
      const pending = invoke({ nodeId: identityA.deviceId, command: 'test.slow', timeoutMs: 300 });
      const request = await nextInvoke(nodeA);
      expect(request.timeoutMs).toBe(300);

      const res = await pending;
      expect(res.error).toMatchObject({ code: 'UNAVAILABLE', details: { nodeError: { code: 'TIMEOUT' } } });
      expect(Date.now() - started).toBeLessThan(3_000);

      const late = await nodeA.request('node.invoke.result', {
        id: request.id,
        nodeId: request.nodeId,
        ok: true,
        payload: 'too late',
      });
      expect(late).toMatchObject({ ok: true, payload: { ok: true, ignored: true } });
    });

    it('fails the call at once when the node disconnects mid-call', async () => {
      const flaky = await connectPlainNode({ clientId: 'flaky-node', commands: ['test.slow'] });
      const started = Date.now();
      const pending = invoke({ nodeId: 'client:flaky-node', command: 'test.slow' });
      await nextInvoke(flaky);
      await flaky.close();

      const res = await pending;
      expect(res.error).toMatchObject({ code: 'UNAVAILABLE', details: { nodeError: { code: 'DISCONNECTED' } } });
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it.each([
      ['a command in gateway.nodes.denyCommands', 'system.run', 'denied'],
      ['a command outside the allowlist', 'camera.snap', 'not-allowlisted'],
      ['an allowlisted command the node did not declare', 'system.notify', 'not-declared'],
    ])('refuses %s (%s) without telling the node', async (_name, command, reason) => {
      const res = await invoke({ nodeId: identityA.deviceId, command });
      expect(res.error).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(/^node command not allowed/),
        details: { reason, command },
      });
      await pause(50);
      expect(nodeA.events.filter((e) => e.event === 'node.invoke.request')).toEqual([]);
    });

    it('answers UNAVAILABLE "node not connected" for an unknown node', async () => {
      const res = await invoke({ nodeId: 'nobody', command: 'system.which' });
      expect(res.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/^node not connected/) });
    });

    it('refuses a timeoutMs above 10 minutes', async () => {
      const res = await invoke({ nodeId: identityA.deviceId, command: 'test.echo', timeoutMs: 600_001 });
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', details: { fields: ['timeoutMs'] } });
    });

    it('runs a command once for one idempotency key and replays the outcome', async () => {
      const key = randomUUID();
      const call = { nodeId: identityA.deviceId, command: 'test.echo', params: { n: 1 }, idempotencyKey: key };
      const first = invoke(call);
      const second = invoke(call);
      const request = await nextInvoke(nodeA);
      await nodeA.request('node.invoke.result', { id: request.id, nodeId: request.nodeId, ok: true, payload: { run: 1 } });

      const [a, b] = await Promise.all([first, second]);
      const replay = await invoke(call);
      expect(a.payload).toMatchObject({ payload: { run: 1 } });
      expect(b.payload).toEqual(a.payload);
      expect(replay.payload).toEqual(a.payload);
      await pause(100);
      expect(nodeA.events.filter((e) => e.event === 'node.invoke.request')).toEqual([]);
    });
  });

  describe('node.invoke.result', () => {
    it("refuses a result another node sends for this node's call, which then completes normally", async () => {
      const pending = invoke({ nodeId: identityA.deviceId, command: 'test.echo' });
      const request = await nextInvoke(nodeA);

      const forged = await nodeB.request('node.invoke.result', {
        id: request.id,
        nodeId: identityA.deviceId,
        ok: true,
        payload: 'forged',
      });
      expect(forged.error).toMatchObject({ code: 'INVALID_REQUEST', details: { reason: 'node-mismatch' } });
      const mislabelled = await nodeB.request('node.invoke.result', {
        id: request.id,
        nodeId: 'client:plain-node',
        ok: true,
        payload: 'forged',
      });
      expect(mislabelled.payload).toEqual({ ok: true, ignored: true });

      await nodeA.request('node.invoke.result', { id: request.id, nodeId: request.nodeId, ok: true, payload: 'genuine' });
      expect((await pending).payload).toMatchObject({ payload: 'genuine' });
    });

    it('is for nodes only', async () => {
      const res = await operator.request('node.invoke.result', { id: 'x', nodeId: 'y', ok: true });
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'unauthorized role: operator' });
    });
  });

  describe('scopes', () => {
    it('keeps nodes out of the operator methods', async () => {
      const res = await nodeA.request('node.list', {});
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'unauthorized role: node' });
    });

    it('needs operator.write to invoke, while operator.read may list', async () => {
      const reader = track(await WsTestClient.connected(app.url, { scopes: ['operator.read'], auth: { token: app.token } }));
      expect((await reader.request('node.list', {})).ok).toBe(true);
      const res = await invoke({ nodeId: identityA.deviceId, command: 'test.echo' }, reader);
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'missing scope: operator.write' });
      await reader.close();
    });
  });

  describe('node.event', () => {
    it('is passed on to operators as a node.event event, not to other nodes', async () => {
      operator.events.length = 0;
      const ack = await nodeA.request('node.event', { event: 'screen.changed', payload: { on: true } });
      expect(ack).toMatchObject({ ok: true, payload: { ok: true } });

      const event = await operator.nextEvent('node.event');
      expect(event.payload).toEqual({
        nodeId: identityA.deviceId,
        event: 'screen.changed',
        payload: { on: true },
        ts: expect.any(Number),
      });
      expect(event.seq).toEqual(expect.any(Number));
      await pause(50);
      expect(nodeB.events.filter((e) => e.event === 'node.event')).toEqual([]);
    });
  });

  describe('replaced connections', () => {
    it('closes the older connection of a node that connects again', async () => {
      const first = await connectPlainNode({ clientId: 'twin-node' });
      await connectPlainNode({ clientId: 'twin-node' });
      expect(await first.waitClosed()).toEqual({ code: 1008, reason: 'replaced by a newer connection with this node id' });
      expect((await listNodes()).filter((n) => n.nodeId === 'client:twin-node')).toHaveLength(1);
    });
  });

  describe('node.rename', () => {
    const pairedDevices = async () =>
      ((await operator.request('device.pair.list', {})).payload as { paired: Array<{ deviceId: string; displayName?: string }> })
        .paired;

    it('persists the new name of a paired node in its device record', async () => {
      const res = await operator.request('node.rename', { nodeId: identityA.deviceId, displayName: 'Render Box' });
      expect(res.payload).toEqual({ nodeId: identityA.deviceId, displayName: 'Render Box', persisted: true });
      expect((await pairedDevices()).find((d) => d.deviceId === identityA.deviceId)?.displayName).toBe('Render Box');
      expect((await operator.request('node.describe', { nodeId: 'render box' })).payload).toMatchObject({
        nodeId: identityA.deviceId,
      });
    });

    it('keeps the new name of an unpaired node for this gateway run', async () => {
      const res = await operator.request('node.rename', { nodeId: 'client:plain-node', displayName: 'Spare' });
      expect(res.payload).toEqual({ nodeId: 'client:plain-node', displayName: 'Spare', persisted: false });
      expect((await operator.request('node.describe', { nodeId: 'client:plain-node' })).payload).toMatchObject({
        displayName: 'Spare',
      });
    });

    it.each([
      ['an empty name', ''],
      ['a blank name', '   '],
      ['a name over 64 characters', 'n'.repeat(65)],
    ])('refuses %s', async (_name, displayName) => {
      const res: ResponseFrame = await operator.request('node.rename', { nodeId: identityA.deviceId, displayName });
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', details: { fields: ['displayName'] } });
    });
  });
});
