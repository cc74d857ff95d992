import { randomUUID } from 'node:crypto';
import { generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import type { EventFrame, HelloOk, PresenceEntry } from '../../src/common/protocol';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(30_000);

/** Events any connection may get: they say nothing about other clients. */
const HARMLESS_EVENTS = new Set(['connect.challenge', 'tick', 'shutdown']);
const SESSION_KEY = `telegram:dm:${424242}`;

interface Health {
  sessions: { recent: Array<{ sessionKey: string }> };
}

describe('what each principal sees (hello-ok snapshot, events, read methods)', () => {
  let app: TestApp;
  let admin: WsTestClient;
  let deviceId: string;
  const opened: WsTestClient[] = [];
  const track = (client: WsTestClient) => (opened.push(client), client);

  async function connect(params: Record<string, unknown>): Promise<{ client: WsTestClient; hello: HelloOk }> {
    const client = track(await WsTestClient.open(app.url));
    const res = await client.connect({ auth: { token: app.token }, ...params });
    if (!res.ok) throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
    return { client, hello: res.payload as HelloOk };
  }

  /** The things only an admin may learn, as they would appear in any frame. */
  function secretsIn(text: string): string[] {
    const found: string[] = [];
    for (const secret of ['127.0.0.1', deviceId, SESSION_KEY, app.stateDir, 'instance-secret-1']) {
      if (text.includes(secret)) found.push(secret);
    }
    return found;
  }

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { limits: { tickIntervalMs: 200 } } } });
    admin = track(await WsTestClient.connected(app.url, { auth: { token: app.token } }));

    // A node with a device identity: its device id and address are what others must not learn.
    const identity = generateDeviceIdentity();
    deviceId = identity.deviceId;
    const device = track(await WsTestClient.open(app.url));
    const proof = signDeviceProof(identity, {
      clientId: 'garage-node',
      clientMode: 'node',
      role: 'node',
      scopes: [],
      signedAtMs: Date.now(),
      token: app.token,
      nonce: device.challengeNonce,
    });
    const res = await device.connect({
      role: 'node',
      client: { id: 'garage-node', version: '1', platform: 'linux', mode: 'node', instanceId: 'instance-secret-1' },
      auth: { token: app.token },
      device: proof,
    });
    if (!res.ok) throw new Error(`device node refused: ${JSON.stringify(res.error)}`);

    // A conversation whose session key carries a Telegram user id.
    const started = await admin.request('chat.send', {
      sessionKey: SESSION_KEY,
      message: '/status',
      idempotencyKey: randomUUID(),
    });
    const runId = (started.payload as { runId: string }).runId;
    for (;;) {
      const frame = await admin.nextEvent('chat', 10_000);
      const payload = frame.payload as { runId: string; state: string };
      if (payload.runId === runId && payload.state === 'final') break;
    }
  });
  afterAll(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await app.close();
  });

  it('gives a node a minimal hello: no presence, no health, no paths', async () => {
    const { hello } = await connect({
      role: 'node',
      client: { id: 'curious-node', version: '1', platform: 'linux', mode: 'node' },
    });
    expect(hello.snapshot.presence).toEqual([]);
    expect(hello.snapshot.health).toEqual({});
    expect(hello.snapshot).not.toHaveProperty('configPath');
    expect(hello.snapshot).not.toHaveProperty('stateDir');
    expect(secretsIn(JSON.stringify(hello))).toEqual([]);
  });

  it('gives a read-only operator presence and health without addresses, device ids, session keys or paths', async () => {
    const { client: reader, hello } = await connect({ scopes: ['operator.read'] });
    expect(hello.snapshot.presence.map((e) => e.host)).toEqual(expect.arrayContaining(['garage-node']));
    for (const entry of hello.snapshot.presence) {
      expect(entry).not.toHaveProperty('ip');
      expect(entry).not.toHaveProperty('deviceId');
      expect(entry).not.toHaveProperty('scopes');
      expect(entry).not.toHaveProperty('instanceId');
    }
    expect((hello.snapshot.health as Health).sessions.recent).toEqual([]);
    expect(hello.snapshot).not.toHaveProperty('configPath');
    expect(hello.snapshot).not.toHaveProperty('stateDir');
    expect(secretsIn(JSON.stringify(hello))).toEqual([]);

    // The read methods follow the same rule.
    const answers = await Promise.all(['health', 'system-presence', 'status'].map((m) => reader.request(m, {})));
    for (const answer of answers) expect(answer.ok).toBe(true);
    expect(secretsIn(JSON.stringify(answers.slice(0, 2)))).toEqual([]);
    // status names the gateway's own bind address (the reader connected to it); no client's, no paths.
    expect(secretsIn(JSON.stringify(answers[2])).filter((s) => s !== '127.0.0.1')).toEqual([]);
    expect(answers[2].payload).not.toHaveProperty('stateDir');
    const nodes = await reader.request('node.list', {});
    expect(JSON.stringify(nodes.payload)).not.toContain('remoteIp');
    expect((nodes.payload as { nodes: unknown[] }).nodes.length).toBeGreaterThan(0);
    expect((answers[0].payload as Health).sessions.recent).toEqual([]);
  });

  it('still shows an admin everything', async () => {
    const { client, hello } = await connect({});
    const node = hello.snapshot.presence.find((e) => e.host === 'garage-node')!;
    expect(node).toMatchObject({ ip: '127.0.0.1', deviceId, instanceId: 'instance-secret-1', scopes: [] });
    expect((hello.snapshot.health as Health).sessions.recent.map((s) => s.sessionKey)).toContain(SESSION_KEY);
    expect(hello.snapshot).toMatchObject({ configPath: expect.any(String), stateDir: app.stateDir });
    const status = await client.request('status', {});
    expect(status.payload).toMatchObject({ stateDir: app.stateDir });
  });

  it('sends each principal only the events its scopes allow, redacted below operator.admin', async () => {
    const { client: node } = await connect({
      role: 'node',
      client: { id: 'watching-node', version: '1', platform: 'linux', mode: 'node' },
    });
    const { client: reader } = await connect({ scopes: ['operator.read'] });
    const { client: watcher } = await connect({});
    // Let the joins above flush so the events below are the ones under test.
    await watcher.nextEvent('presence', 3_000);
    for (const client of [node, reader, watcher]) client.events.length = 0;

    // presence (+ health: one more node), a pairing request, an agent run.
    const { client: joiner } = await connect({
      role: 'node',
      client: { id: 'late-node', version: '1', platform: 'linux', mode: 'node', instanceId: 'instance-secret-1' },
    });
    await admin.request('node.pair.request', { nodeId: 'shed', displayName: 'Shed' });
    const started = await admin.request('chat.send', {
      sessionKey: SESSION_KEY,
      message: '/status',
      idempotencyKey: randomUUID(),
    });
    expect(started.ok).toBe(true);

    // The admin-scoped watcher sees them all, with details.
    const presence = await watcher.nextEvent('presence', 3_000);
    expect((presence.payload as { joined: PresenceEntry[] }).joined[0]).toMatchObject({ ip: '127.0.0.1' });
    await watcher.nextEvent('node.pair.requested');
    await watcher.nextEvent('health', 5_000);
    await watcher.nextEvent('chat', 10_000);

    // The reader gets presence, health and the run's stream, none of the pairing events, nothing private.
    const readerPresence = await reader.nextEvent('presence', 3_000);
    expect((readerPresence.payload as { joined: PresenceEntry[] }).joined[0]).toEqual(
      expect.not.objectContaining({ ip: expect.anything() }),
    );
    await reader.nextEvent('health', 5_000);
    await reader.nextEvent('chat', 10_000);
    expect(reader.events.map((e) => e.event)).not.toContain('node.pair.requested');
    const readerSaw = reader.events.filter((e) => e.event === 'presence' || e.event === 'health');
    expect(secretsIn(JSON.stringify([readerPresence, ...readerSaw]))).toEqual([]);

    // The node gets nothing but keep-alives.
    await node.nextEvent('tick', 2_000);
    expect(node.events.map((e: EventFrame) => e.event).filter((name) => !HARMLESS_EVENTS.has(name))).toEqual([]);
    await joiner.close();
  });
});
