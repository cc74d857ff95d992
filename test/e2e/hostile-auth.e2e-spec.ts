import * as http from 'node:http';
import * as os from 'node:os';
import { DeviceIdentity, generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import type { HelloOk, ResponseFrame } from '../../src/common/protocol';
import { AUTH_FAILURE_LIMIT } from '../../src/modules/auth/auth-rate-limiter';
import { FakeTailscale } from '../support/fake-tailscale/fake-tailscale';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(60_000);

const TOKEN = 'the-real-gateway-token-for-hostile-auth-tests';
const WRONG = { auth: { token: 'a-wrong-guess' } };

/** One connect attempt on its own socket; the answer, whatever it is. */
async function attempt(url: string, params: object, options: Parameters<typeof WsTestClient.open>[1] = {}) {
  const client = await WsTestClient.open(url, options);
  try {
    return await client.connect(params);
  } finally {
    await client.close();
  }
}

function deviceParams(identity: DeviceIdentity, token: string, nonce: string | undefined) {
  return {
    auth: { token },
    device: signDeviceProof(identity, {
      clientId: 'test-cli',
      clientMode: 'cli',
      role: 'operator',
      scopes: [],
      signedAtMs: Date.now(),
      token,
      nonce,
    }),
  };
}

/** Connects with a device identity on a fresh socket, signing that socket's challenge. */
async function deviceAttempt(url: string, identity: DeviceIdentity, token: string): Promise<ResponseFrame> {
  const client = await WsTestClient.open(url);
  try {
    return await client.connect(deviceParams(identity, token, client.challengeNonce));
  } finally {
    await client.close();
  }
}

const isRateLimited = (res: ResponseFrame) => res.error?.code === 'RATE_LIMITED';

describe('auth limiter under concurrent guesses behind a slow Tailscale whois', () => {
  let fake: FakeTailscale;
  let restorePath: () => void;
  let app: TestApp;

  beforeAll(async () => {
    fake = new FakeTailscale({ whoisDelayMs: 1_500 });
    restorePath = fake.install();
    app = await createTestApp({
      config: { gateway: { auth: { token: TOKEN, allowTailscale: true }, tailscale: { mode: 'serve' } } },
    });
  });
  afterAll(async () => {
    await app.close();
    restorePath();
    fake.dispose();
  });

  it('compares only the limit of 300 concurrent wrong guesses, and the local owner is not locked out', async () => {
    // A tailnet peer whose whois never confirms it: every guess awaits the slow whois before it is decided.
    const serve = {
      'x-forwarded-for': '100.101.102.200',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'gateway.tail1234.ts.net',
      'tailscale-user-login': 'mallory@example.com',
      host: 'gateway.tail1234.ts.net',
    };

    const answers = await Promise.all(Array.from({ length: 300 }, () => attempt(app.url, WRONG, { headers: serve })));

    const compared = answers.filter((res) => !isRateLimited(res));
    expect(compared).toHaveLength(AUTH_FAILURE_LIMIT);
    compared.forEach((res) => expect(res.error?.message).toMatch(/^unauthorized: gateway token mismatch/));
    expect(answers.filter(isRateLimited)).toHaveLength(300 - AUTH_FAILURE_LIMIT);
    expect(fake.callsOf('whois').length).toBeGreaterThanOrEqual(1);
    // That peer has its own bucket: the CLI on the gateway host still gets in.
    const cli = await WsTestClient.connected(app.url, { auth: { token: TOKEN } });
    await cli.close();
  });
});

describe('auth limiter on loopback aliases', () => {
  let app: TestApp;
  let owner: DeviceIdentity;
  let ownerToken: string;

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { auth: { token: TOKEN } } } });
    owner = generateDeviceIdentity();
    // The owner's CLI pairs (local: approved silently) and keeps its device token, before anyone guesses.
    const hello = await deviceAttempt(app.url, owner, TOKEN);
    ownerToken = (hello.payload as HelloOk).auth!.deviceToken!;
  });
  afterAll(() => app.close());

  it('folds 127.x.y.z and ::1 into one bucket, yet lets the owner in with its device token', async () => {
    // Ten guesses, each from its own loopback alias, spend the whole budget.
    const aliases = Array.from({ length: AUTH_FAILURE_LIMIT }, (_, i) => `127.0.0.${i + 2}`);
    for (const localAddress of aliases) {
      const res = await attempt(app.url, WRONG, { localAddress });
      expect(res.error?.message).toMatch(/^unauthorized: gateway token mismatch/);
    }

    const v6 = app.gateway.hosts.includes('::1') ? `ws://[::1]:${app.port}` : undefined;
    const fromOtherAlias = await attempt(v6 ?? app.url, WRONG, v6 ? {} : { localAddress: '127.0.0.99' });
    expect(fromOtherAlias.error).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    // While locked, even the right shared secret is not compared: a guesser cannot learn it is right.
    const secretWhileLocked = await attempt(app.url, { auth: { token: TOKEN } });
    expect(secretWhileLocked.error?.code).toBe('RATE_LIMITED');

    const ownerBack = await deviceAttempt(app.url, owner, ownerToken);
    expect(ownerBack.ok).toBe(true);
    expect((ownerBack.payload as HelloOk).auth?.deviceToken).toBe(ownerToken);

    // A device token from a device that did not pair is no way around the lock.
    const stranger = await deviceAttempt(app.url, generateDeviceIdentity(), ownerToken);
    expect(stranger.error?.code).toBe('RATE_LIMITED');
  });
});

describe('Host check on the upgrade (DNS rebinding)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { auth: { token: TOKEN }, allowedHosts: ['gateway.example.com'] } } });
  });
  afterAll(() => app.close());

  /** The raw upgrade answer: status and body, which ws clients do not expose. */
  function upgrade(host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: app.port,
        path: '/',
        headers: {
          host,
          origin: `http://${host}`,
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, body: '' });
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('refuses a page on a foreign name that resolves to loopback with 403 naming the fix', async () => {
    const refused = await upgrade(`rebind.attacker.example:${app.port}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('"rebind.attacker.example');
    expect(refused.body).toContain('gateway.allowedHosts');
    await expect(WsTestClient.open(app.url, { headers: { host: `rebind.attacker.example:${app.port}` } })).rejects.toThrow(
      'HTTP 403',
    );
  });

  it.each([
    ['localhost', `localhost:PORT`],
    ['an IP literal', `127.0.0.1:PORT`],
    ['this machine', `${os.hostname()}:PORT`],
    ['a name in gateway.allowedHosts', 'gateway.example.com'],
  ])('accepts %s', async (_what, host) => {
    expect((await upgrade(host.replace('PORT', String(app.port)))).status).toBe(101);
  });
});
