import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Clock } from '../../src/common/clock';
import { DeviceIdentity, generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import type { ConnectParams, EventFrame } from '../../src/common/protocol';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

/** A loopback peer that names a foreign host: the gateway must treat it as remote. */
const REMOTE = { headers: { host: '192.0.2.10:18789' } };

class MovableClock extends Clock {
  offsetMs = 0;
  override now(): number {
    return Date.now() + this.offsetMs;
  }
}

/** Connect params for a device, signed over this connection's nonce. */
function deviceParams(
  client: WsTestClient,
  identity: DeviceIdentity,
  token: string,
  extra: Partial<ConnectParams> = {},
): Partial<ConnectParams> {
  const role = extra.role ?? 'operator';
  const scopes = extra.scopes ?? [];
  const clientInfo = extra.client ?? { id: 'phone', version: '1.0', platform: 'ios', mode: 'node', displayName: 'Phone' };
  return {
    ...extra,
    role,
    scopes,
    client: clientInfo,
    auth: { token },
    device: signDeviceProof(identity, {
      clientId: clientInfo.id,
      clientMode: clientInfo.mode,
      role,
      scopes,
      signedAtMs: Date.now(),
      token,
      nonce: client.challengeNonce,
    }),
  };
}

describe('device pairing', () => {
  let app: TestApp;
  let operator: WsTestClient;
  const clock = new MovableClock();

  beforeAll(async () => {
    app = await createTestApp({ clock });
    operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
  });
  afterAll(async () => {
    await operator.close();
    await app.close();
  });

  async function connectRemote(identity: DeviceIdentity, token: string, extra: Partial<ConnectParams> = {}) {
    const client = await WsTestClient.open(app.url, REMOTE);
    const res = await client.connect(deviceParams(client, identity, token, extra));
    return { client, res };
  }

  async function pendingRequest(identity: DeviceIdentity, extra: Partial<ConnectParams> = {}): Promise<string> {
    const { client, res } = await connectRemote(identity, app.token, extra);
    expect(res.error).toMatchObject({
      code: 'NOT_PAIRED',
      details: { requestId: expect.any(String), deviceId: identity.deviceId },
    });
    expect(res.error!.message).toContain('pairing required');
    expect(await client.waitClosed()).toEqual({ code: 1008, reason: 'pairing required' });
    return (res.error!.details as { requestId: string }).requestId;
  }

  it('makes a remote device pair, tells operators, and lets it in with a device token once approved', async () => {
    const phone = generateDeviceIdentity();
    const requestId = await pendingRequest(phone);

    const requested = await operator.nextEvent('device.pair.requested');
    expect(requested.payload).toMatchObject({ requestId, deviceId: phone.deviceId, displayName: 'Phone', platform: 'ios' });
    expect(requested.payload).not.toHaveProperty('publicKey');

    const list = await operator.request('device.pair.list');
    expect((list.payload as any).pending).toEqual([expect.objectContaining({ requestId, deviceId: phone.deviceId })]);

    const approved = await operator.request('device.pair.approve', { requestId });
    expect(approved.payload).toMatchObject({ requestId, device: { deviceId: phone.deviceId, roles: ['operator'] } });
    const resolved = await operator.nextEvent('device.pair.resolved');
    expect(resolved.payload).toMatchObject({ requestId, decision: 'approved', auto: false });

    const again = await connectRemote(phone, app.token);
    expect(again.res.ok).toBe(true);
    const auth = (again.res.payload as any).auth;
    expect(auth).toMatchObject({ deviceToken: expect.stringMatching(/^ncd_/), role: 'operator', scopes: ['operator.admin'] });
    await again.client.close();

    // The device token alone now opens the door, and only for this device.
    const withToken = await connectRemote(phone, auth.deviceToken);
    expect(withToken.res.ok).toBe(true);
    expect((withToken.res.payload as any).auth.deviceToken).toBe(auth.deviceToken);
    await withToken.client.close();

    const thief = await connectRemote(generateDeviceIdentity(), auth.deviceToken);
    expect(thief.res.ok).toBe(false);
    // Tokens are bound to the device that was issued them: another key gets nothing from one.
    expect(thief.res.error).toMatchObject({ code: 'INVALID_REQUEST', details: { reason: 'device-token-revoked' } });
  });

  it('reuses one pending request per device and expires it after 5 minutes', async () => {
    const tablet = generateDeviceIdentity();
    const first = await pendingRequest(tablet);
    const second = await pendingRequest(tablet);
    expect(second).toBe(first);

    clock.offsetMs = 5 * 60_000 + 1_000;
    try {
      const res = await operator.request('device.pair.approve', { requestId: first });
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST' });
      expect(res.error!.message).toContain('expired');
      expect(((await operator.request('device.pair.list')).payload as any).pending).toEqual([]);
    } finally {
      clock.offsetMs = 0;
    }
  });

  it('rejects a request and removes it', async () => {
    const laptop = generateDeviceIdentity();
    const requestId = await pendingRequest(laptop);
    const res = await operator.request('device.pair.reject', { requestId });
    expect(res.payload).toEqual({ requestId, deviceId: laptop.deviceId, rejected: true });
    const resolved = await waitForEvent(operator, 'device.pair.resolved', (e) => (e.payload as any).requestId === requestId);
    expect(resolved.payload).toMatchObject({ decision: 'rejected' });
    expect(await pendingRequest(laptop)).not.toBe(requestId);
  });

  it('approves local devices silently', async () => {
    const desktop = generateDeviceIdentity();
    const client = await WsTestClient.open(app.url);
    const res = await client.connect(deviceParams(client, desktop, app.token));
    expect(res.ok).toBe(true);
    expect((res.payload as any).auth.deviceToken).toEqual(expect.any(String));
    const resolved = await waitForEvent(
      operator,
      'device.pair.resolved',
      (e) => (e.payload as any).deviceId === desktop.deviceId,
    );
    expect(resolved.payload).toMatchObject({ decision: 'approved', auto: true });
    await client.close();
  });

  it('treats forwarded headers from an untrusted peer as remote', async () => {
    const device = generateDeviceIdentity();
    const client = await WsTestClient.open(app.url, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    const res = await client.connect(deviceParams(client, device, app.token));
    expect(res.error).toMatchObject({ code: 'NOT_PAIRED' });
  });

  it('lets a paired device widen its scopes with the shared token, but not with its device token', async () => {
    const device = generateDeviceIdentity();
    const requestId = await pendingRequest(device, { scopes: ['operator.read'] });
    await operator.request('device.pair.approve', { requestId });
    const first = await connectRemote(device, app.token, { scopes: ['operator.read'] });
    const readToken = (first.res.payload as any).auth.deviceToken as string;
    await first.client.close();

    const escalate = await connectRemote(device, readToken, { scopes: ['operator.write'] });
    expect(escalate.res.error).toMatchObject({ code: 'NOT_PAIRED' });

    const upgraded = await connectRemote(device, app.token, { scopes: ['operator.write'] });
    expect(upgraded.res.ok).toBe(true);
    expect((upgraded.res.payload as any).auth.scopes).toEqual(['operator.write']);
    await upgraded.client.close();
  });

  it('rotates a token (the old one stops working) and revokes a device, closing its sessions', async () => {
    const device = generateDeviceIdentity();
    await operator.request('device.pair.approve', { requestId: await pendingRequest(device) });
    const first = await connectRemote(device, app.token);
    const oldToken = (first.res.payload as any).auth.deviceToken as string;
    await first.client.close();

    const rotated = await operator.request('device.token.rotate', { deviceId: device.deviceId, role: 'operator' });
    const newToken = (rotated.payload as any).deviceToken as string;
    expect(newToken).not.toBe(oldToken);
    expect((await connectRemote(device, oldToken)).res.ok).toBe(false);
    const live = await connectRemote(device, newToken);
    expect(live.res.ok).toBe(true);

    const revoked = await operator.request('device.token.revoke', { deviceId: device.deviceId, unpair: true });
    expect(revoked.payload).toMatchObject({ deviceId: device.deviceId, unpaired: true, disconnected: 1 });
    expect(await live.client.waitClosed()).toEqual({ code: 1008, reason: 'device revoked' });
    expect((await connectRemote(device, newToken)).res.ok).toBe(false);
    expect((await connectRemote(device, app.token)).res.error).toMatchObject({ code: 'NOT_PAIRED' });
  });

  it('stores device tokens only as hashes', async () => {
    const device = generateDeviceIdentity();
    const client = await WsTestClient.open(app.url);
    const token = ((await client.connect(deviceParams(client, device, app.token))).payload as any).auth.deviceToken as string;
    await client.close();
    const db = new Database(path.join(app.stateDir, 'state.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT token_hash FROM device_tokens WHERE device_id = ?').all(device.deviceId) as Array<{
        token_hash: string;
      }>;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash) && r.token_hash !== token)).toBe(true);
    } finally {
      db.close();
    }
    for (const file of fs.readdirSync(app.stateDir).filter((f) => f.startsWith('state.db'))) {
      expect(fs.readFileSync(path.join(app.stateDir, file)).includes(Buffer.from(token))).toBe(false);
    }
  });

  it('refuses pairing methods to an operator without the pairing scope', async () => {
    const reader = await WsTestClient.connected(app.url, { scopes: ['operator.read'], auth: { token: app.token } });
    expect((await reader.request('device.pair.list')).error).toEqual({
      code: 'INVALID_REQUEST',
      message: 'missing scope: operator.pairing',
    });
    await reader.close();
  });
});

describe('node.pair store', () => {
  let app: TestApp;
  let operator: WsTestClient;

  beforeAll(async () => {
    app = await createTestApp();
    operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
  });
  afterAll(async () => {
    await operator.close();
    await app.close();
  });

  it('requests, lists, approves with a one-time token that verify accepts, and rejects', async () => {
    const request = await operator.request('node.pair.request', {
      nodeId: 'garage-pi',
      displayName: 'Garage',
      commands: ['system.run'],
    });
    const { requestId } = request.payload as { requestId: string };
    expect(request.payload).toMatchObject({ status: 'pending', created: true });
    expect((await operator.request('node.pair.request', { nodeId: 'garage-pi' })).payload).toMatchObject({
      requestId,
      created: false,
    });
    expect((await operator.nextEvent('node.pair.requested')).payload).toMatchObject({ requestId, nodeId: 'garage-pi' });
    expect(((await operator.request('node.pair.list')).payload as any).pending).toEqual([expect.objectContaining({ requestId })]);

    const approved = (await operator.request('node.pair.approve', { requestId })).payload as { token: string };
    expect(approved).toMatchObject({ requestId, nodeId: 'garage-pi', token: expect.any(String) });
    expect((await operator.nextEvent('node.pair.resolved')).payload).toMatchObject({ requestId, decision: 'approved' });
    expect((await operator.request('node.pair.verify', { nodeId: 'garage-pi', token: approved.token })).payload).toEqual({
      ok: true,
      nodeId: 'garage-pi',
    });
    expect((await operator.request('node.pair.verify', { nodeId: 'garage-pi', token: 'guess' })).payload).toEqual({
      ok: false,
      nodeId: 'garage-pi',
    });
    expect((await operator.request('node.pair.approve', { requestId })).error!.code).toBe('INVALID_REQUEST');

    const other = (await operator.request('node.pair.request', { nodeId: 'shed' })).payload as { requestId: string };
    expect((await operator.request('node.pair.reject', { requestId: other.requestId })).payload).toMatchObject({
      rejected: true,
    });
    expect(((await operator.request('node.pair.list')).payload as any).pending).toEqual([]);
  });
});

async function waitForEvent(client: WsTestClient, name: string, match: (e: EventFrame) => boolean): Promise<EventFrame> {
  for (let i = 0; i < 20; i++) {
    const event = await client.nextEvent(name);
    if (match(event)) return event;
  }
  throw new Error(`no matching ${name} event`);
}
