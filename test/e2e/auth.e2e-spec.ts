import { generateDeviceIdentity, signDeviceProof, DeviceIdentity } from '../../src/common/identity';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

const REMOTE_HOST = { host: '192.0.2.10:18789' };

function proofFor(
  identity: DeviceIdentity,
  token: string,
  nonce: string | undefined,
  overrides: { scopes?: string[]; signedAtMs?: number } = {},
) {
  return signDeviceProof(identity, {
    clientId: 'test-cli',
    clientMode: 'cli',
    role: 'operator',
    scopes: overrides.scopes ?? [],
    signedAtMs: overrides.signedAtMs ?? Date.now(),
    token,
    nonce,
  });
}

describe('shared-secret auth (token mode)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('generates a token when none is configured and accepts it', async () => {
    expect(app.token.length).toBeGreaterThanOrEqual(40);
    const client = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    await client.close();
  });

  it('asks for a device identity when neither a secret nor a device is sent', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect();
    expect(res.error).toMatchObject({ code: 'NOT_PAIRED' });
    expect(res.error!.message).toContain('device identity required');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('refuses a wrong token with a message naming the fix and never the secret', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ auth: { token: 'wrong-token-value' } });
    expect(res.error).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(res.error!.message).toBe(
      'unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)',
    );
    expect(JSON.stringify(res)).not.toContain(app.token);
    expect(JSON.stringify(res)).not.toContain('wrong-token-value');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('refuses credentials in the URL query string before upgrading', async () => {
    await expect(WsTestClient.open(`${app.url}/?token=${app.token}`)).rejects.toThrow('HTTP 400');
  });
});

describe('shared-secret auth (password mode)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { auth: { password: 'correct horse battery staple' } } } });
  });
  afterAll(() => app.close());

  it('defaults to password mode when only a password is configured', async () => {
    const client = await WsTestClient.connected(app.url, { auth: { password: 'correct horse battery staple' } });
    expect((await client.request('status')).payload).toMatchObject({ auth: { mode: 'password' } });
    await client.close();
  });

  it('refuses a wrong password', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ auth: { password: 'nope' } });
    expect(res.error!.message).toContain('gateway password mismatch');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('does not accept a token in place of the password', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ auth: { token: 'correct horse battery staple' } });
    expect(res.ok).toBe(false);
    expect((await client.waitClosed()).code).toBe(1008);
  });
});

describe('auth failure rate limiting', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('refuses an address after 10 failures, even with the right token, before comparing secrets', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const client = await WsTestClient.open(app.url);
      const res = await client.connect({ auth: { token: `guess-${attempt}` } });
      expect(res.error!.message).toContain('mismatch');
      await client.waitClosed();
    }
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ auth: { token: app.token } });
    expect(res.error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(res.error!.retryAfterMs).toBeGreaterThan(0);
    expect(res.error!.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((await client.waitClosed()).code).toBe(1008);
  });
});

describe('device identity', () => {
  let app: TestApp;
  const identity = generateDeviceIdentity();
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('accepts a v2 signature over the challenge nonce together with the shared token', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({
      auth: { token: app.token },
      device: proofFor(identity, app.token, client.challengeNonce),
    });
    expect(res.ok).toBe(true);
    const presence = (await client.request('system-presence')).payload as Array<{ deviceId?: string }>;
    expect(presence.some((entry) => entry.deviceId === identity.deviceId)).toBe(true);
    await client.close();
  });

  it('refuses a signature made with another key', async () => {
    const other = generateDeviceIdentity();
    const client = await WsTestClient.open(app.url);
    const proof = { ...proofFor(other, app.token, client.challengeNonce), id: identity.deviceId, publicKey: identity.publicKey };
    const res = await client.connect({ auth: { token: app.token }, device: proof });
    expect(res.error!.message).toContain('device signature invalid');
    expect((await client.waitClosed()).code).toBe(1008);
  });

  it('refuses an id that is not the hash of the key', async () => {
    const client = await WsTestClient.open(app.url);
    const proof = { ...proofFor(identity, app.token, client.challengeNonce), id: 'f'.repeat(64) };
    const res = await client.connect({ auth: { token: app.token }, device: proof });
    expect(res.error!.message).toContain('device identity mismatch');
  });

  it('refuses a nonce from another connection', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ auth: { token: app.token }, device: proofFor(identity, app.token, 'a'.repeat(32)) });
    expect(res.error!.message).toContain('device nonce mismatch');
  });

  it('refuses a signature older than 10 minutes', async () => {
    const client = await WsTestClient.open(app.url);
    const proof = proofFor(identity, app.token, client.challengeNonce, { signedAtMs: Date.now() - 11 * 60_000 });
    const res = await client.connect({ auth: { token: app.token }, device: proof });
    expect(res.error!.message).toContain('device signature expired');
  });

  it('accepts the nonce-less v1 payload from a local connection', async () => {
    const client = await WsTestClient.open(app.url);
    const res = await client.connect({ auth: { token: app.token }, device: proofFor(identity, app.token, undefined) });
    expect(res.ok).toBe(true);
    await client.close();
  });

  it('requires the nonce from a connection that is not local', async () => {
    const client = await WsTestClient.open(app.url, { headers: REMOTE_HOST });
    const res = await client.connect({ auth: { token: app.token }, device: proofFor(identity, app.token, undefined) });
    expect(res.error!.message).toContain('device nonce required');
  });

  it('treats proxy headers from an untrusted peer as remote', async () => {
    const client = await WsTestClient.open(app.url, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    const res = await client.connect({ auth: { token: app.token }, device: proofFor(identity, app.token, undefined) });
    expect(res.error!.message).toContain('device nonce required');
  });
});

describe('browser origin check', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { controlUi: { allowedOrigins: ['https://ops.example.com'] } } } });
  });
  afterAll(() => app.close());

  it('refuses an upgrade from a foreign page', async () => {
    await expect(WsTestClient.open(app.url, { headers: { origin: 'https://evil.example' } })).rejects.toThrow('HTTP 403');
  });

  it("accepts the gateway's own origin", async () => {
    const client = await WsTestClient.open(app.url, { headers: { origin: `http://127.0.0.1:${app.port}` } });
    await client.close();
  });

  it('accepts an origin listed in gateway.controlUi.allowedOrigins', async () => {
    const client = await WsTestClient.open(app.url, { headers: { origin: 'https://ops.example.com' } });
    await client.close();
  });
});
