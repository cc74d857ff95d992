import { GatewayEvent, RPC_METHOD_NAMES } from '../../src/common/protocol';
import { createTestApp, TestApp } from '../support/test-app';
import { baseConnectParams, WsTestClient } from '../support/ws-test-client';

describe('handshake', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { limits: { handshakeTimeoutMs: 300, maxPayload: 4096 } } } });
  });
  afterAll(() => app.close());

  it('sends connect.challenge with a nonce as soon as the socket opens', async () => {
    const client = await WsTestClient.open(app.url);
    expect(client.challengeNonce).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await client.close();
  });

  it('answers connect with hello-ok listing the real methods, events and limits', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ auth: { token: app.token } });
    expect(res.ok).toBe(true);
    const hello = res.payload as any;
    expect(hello).toMatchObject({ type: 'hello-ok', protocol: 3 });
    expect(hello.features.methods).toEqual(
      expect.arrayContaining(['health', 'status', 'system-presence', 'device.pair.approve']),
    );
    expect(hello.features.methods).not.toContain('connect');
    expect(hello.features.events).toEqual(
      expect.arrayContaining(['connect.challenge', 'tick', 'shutdown', 'presence', 'health']),
    );
    expect(hello.policy).toEqual({ maxPayload: 4096, maxBufferedBytes: 1.5 * 1024 * 1024, tickIntervalMs: 30_000 });
    expect(hello.server.connId).toEqual(expect.any(String));
    const keys = hello.snapshot.presence.map((p: { key: string }) => p.key);
    expect(keys).toEqual(expect.arrayContaining(['gateway', hello.server.connId]));
    expect(hello.snapshot.stateVersion).toEqual({ presence: expect.any(Number), health: expect.any(Number) });
    expect(hello.snapshot.health.ok).toBe(true);
    await client.close();
  });

  it('serves exactly the methods and events the shared wire types declare', async () => {
    // The CLI and the Control UI are typed from GatewayMethods and GatewayEvents: a method served
    // but not declared there, or declared but gone, would let their types drift from the wire.
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ auth: { token: app.token } });
    const hello = res.payload as { features: { methods: string[]; events: string[] } };
    expect([...hello.features.methods].sort()).toEqual([...RPC_METHOD_NAMES].sort());
    expect([...hello.features.events].sort()).toEqual(Object.values(GatewayEvent).sort());
    await client.close();
  });

  it('refuses a first request other than connect and closes with 1008', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.request('status');
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(res.error!.message).toContain('first request must be "connect"');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('closes with 1008 on invalid JSON before the handshake', async () => {
    const client = await WsTestClient.open(app.url);
    client.sendRaw('{not json');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('answers a non-request frame that has an id, then closes', async () => {
    const client = await WsTestClient.open(app.url);
    client.sendJson({ type: 'event', id: 'e1', event: 'hello' });
    const res = await client.awaitResponse('e1');
    expect(res.error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('closes with 1008 on a binary frame', async () => {
    const client = await WsTestClient.open(app.url);
    client.sendRaw(Buffer.from(JSON.stringify({ type: 'req', id: '1', method: 'connect' })), true);
    expect(await client.waitClosed()).toEqual({ code: 1008, reason: 'binary frames not accepted' });
  });

  it('closes with 1002 when the protocol ranges do not overlap', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ minProtocol: 5, maxProtocol: 6, auth: { token: app.token } });
    expect(res.error!.message).toMatch(/protocol mismatch/);
    expect(res.error!.details).toMatchObject({ expectedProtocol: 4, minimumProbeProtocol: 3 });
    expect(await client.waitClosed()).toEqual({ code: 1002, reason: 'protocol mismatch' });
  });

  it('speaks protocol 4 to a client that offers it, with the fields protocol 4 clients read', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({
      minProtocol: 4,
      maxProtocol: 4,
      client: { id: 'openclaw-linux', version: '2026.9.6', platform: 'linux', mode: 'cli', buildId: 'b', timeZone: 'UTC' },
      scopes: ['operator.read'],
      auth: { token: app.token },
    });
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({
      protocol: 4,
      server: { bootId: expect.any(String) },
      features: { capabilities: [] },
      auth: { role: 'operator', scopes: ['operator.read'] },
      policy: { attachments: { maxBytes: 4096, maxImageBytes: 4096 } },
    });
    await client.close();
  });

  it('offers protocol 4 clients the capability list in the challenge', async () => {
    const client = await WsTestClient.open(app.url, { awaitChallenge: false });
    const challenge = await client.nextEvent('connect.challenge');
    expect(challenge.payload).toMatchObject({ nonce: expect.any(String), capabilities: [] });
    await client.close();
  });

  it('accepts a range that includes 3', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ minProtocol: 2, maxProtocol: 9, auth: { token: app.token } });
    expect(res.ok).toBe(true);
    await client.close();
  });

  it('refuses an unknown role with 1008', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ role: 'admin' as any, auth: { token: app.token } });
    expect(res.error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(res.error!.message).toContain('role');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('refuses unknown keys in connect params, naming the key', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.request('connect', { ...baseConnectParams(), auth: { token: app.token }, bogus: 1 });
    expect(res.error!.message).toContain('bogus');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('refuses a malformed client block, naming the field', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.request('connect', {
      minProtocol: 3,
      maxProtocol: 3,
      client: { id: 'x' },
      auth: { token: app.token },
    });
    expect(res.error!.message).toMatch(/client\.(version|platform|mode)/);
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('refuses unknown operator scopes', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ scopes: ['operator.root'], auth: { token: app.token } });
    expect(res.error!.message).toContain('unknown scope: operator.root');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('closes with 1008 when no connect arrives within the handshake timeout', async () => {
    const client = await WsTestClient.open(app.url);
    expect(await client.waitClosed(2_000)).toEqual({ code: 1008, reason: 'handshake timeout' });
  });

  it('closes with 1009 on a frame larger than maxPayload', async () => {
    const client = await WsTestClient.open(app.url);
    client.sendRaw(JSON.stringify({ type: 'req', id: '1', method: 'connect', params: { pad: 'x'.repeat(5000) } }));
    expect((await client.waitClosed()).code).toBe(1009);
  });

  it('answers a second connect with an error and keeps the socket', async () => {
    const client = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    const again = await client.connect({ auth: { token: app.token } });
    expect(again.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'already connected' });
    expect((await client.request('status')).ok).toBe(true);
    await client.close();
  });
});
