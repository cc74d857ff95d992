import { MIGRATIONS } from '../../src/modules/state/migrations';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

describe('RPC dispatch', () => {
  let app: TestApp;
  let admin: WsTestClient;

  beforeAll(async () => {
    app = await createTestApp();
    admin = await WsTestClient.connected(app.url, { auth: { token: app.token } });
  });
  afterAll(async () => {
    await admin.close();
    await app.close();
  });

  it('answers status with bind, auth mode and counts', async () => {
    const res = await admin.request('status');
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({
      version: expect.any(String),
      bind: { mode: 'loopback', port: app.port },
      auth: { mode: 'token' },
      tailscale: { mode: 'off' },
      tls: { enabled: false },
      nodes: { connected: 0 },
      state: { schema: MIGRATIONS.length, createdAtMs: expect.any(Number) },
    });
    expect(JSON.stringify(res.payload)).not.toContain(app.token);
  });

  it('answers health with the snapshot shape', async () => {
    const res = await admin.request('health');
    expect(res.payload).toMatchObject({
      ok: true,
      ts: expect.any(Number),
      durationMs: expect.any(Number),
      channels: {},
      sessions: { count: 0, recent: [] },
      nodes: { connected: 0 },
      uptimeMs: expect.any(Number),
    });
  });

  it('lists presence including itself and the gateway', async () => {
    const res = await admin.request('system-presence');
    const entries = res.payload as Array<{ key: string; mode: string; ip?: string; roles: string[] }>;
    expect(entries.find((e) => e.key === 'gateway')).toMatchObject({ mode: 'gateway' });
    expect(entries.find((e) => e.mode === 'cli')).toMatchObject({ ip: '127.0.0.1', roles: ['operator'] });
  });

  it('answers an unknown method with INVALID_REQUEST and keeps the socket open', async () => {
    const res = await admin.request('does.not.exist');
    expect(res.error).toEqual({ code: 'INVALID_REQUEST', message: 'unknown method: does.not.exist' });
    expect((await admin.request('status')).ok).toBe(true);
  });

  it('names the unknown field in invalid params', async () => {
    const res = await admin.request('health', { verbose: true });
    expect(res.error!.code).toBe('INVALID_REQUEST');
    expect(res.error!.message).toContain('verbose');
  });

  it('answers bad JSON after the handshake without closing', async () => {
    admin.sendRaw('[1,2');
    expect((await admin.request('status')).ok).toBe(true);
    expect(admin.socket.readyState).toBe(admin.socket.OPEN);
  });

  it('refuses operator methods to nodes with "unauthorized role: node"', async () => {
    const node = await WsTestClient.connected(app.url, {
      role: 'node',
      client: { id: 'node-1', version: '1', platform: 'linux', mode: 'node' },
      auth: { token: app.token },
    });
    const res = await node.request('status');
    expect(res.error).toEqual({ code: 'INVALID_REQUEST', message: 'unauthorized role: node' });
    expect((await node.request('status')).ok).toBe(false);
    await node.close();
  });

  it('refuses a call without the needed scope and keeps the socket', async () => {
    const pairingOnly = await WsTestClient.connected(app.url, { scopes: ['operator.pairing'], auth: { token: app.token } });
    const res = await pairingOnly.request('health');
    expect(res.error).toEqual({ code: 'INVALID_REQUEST', message: 'missing scope: operator.read' });
    expect(pairingOnly.socket.readyState).toBe(pairingOnly.socket.OPEN);
    await pairingOnly.close();
  });

  it('runs the security audit for admins only', async () => {
    const res = await admin.request('security.audit');
    expect(res.payload).toMatchObject({ ts: expect.any(Number), critical: expect.any(Number), findings: expect.any(Array) });
    for (const finding of (res.payload as { findings: object[] }).findings) {
      expect(finding).toEqual({
        id: expect.any(String),
        severity: expect.stringMatching(/^(critical|warn|info)$/),
        message: expect.any(String),
        fix: expect.any(String),
      });
    }
    const writer = await WsTestClient.connected(app.url, { scopes: ['operator.write'], auth: { token: app.token } });
    expect((await writer.request('security.audit')).error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'missing scope: operator.admin',
    });
    await writer.close();
  });

  it('lets operator.write call read methods', async () => {
    const writer = await WsTestClient.connected(app.url, { scopes: ['operator.write'], auth: { token: app.token } });
    expect((await writer.request('health')).ok).toBe(true);
    await writer.close();
  });
});
