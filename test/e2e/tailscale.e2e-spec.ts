import { generateDeviceIdentity, signDeviceProof } from '../../src/common/identity';
import { StartupError } from '../../src/main';
import { FakeTailscale, FakeTailscaleOptions } from '../support/fake-tailscale/fake-tailscale';
import { createTestApp, TestApp, TestAppOptions } from '../support/test-app';
import { baseConnectParams, WsTestClient } from '../support/ws-test-client';

const MAGIC_URL = 'https://gateway.tail1234.ts.net/';
const PASSWORD = 'a long funnel passphrase for tests';

/** The headers Tailscale Serve adds for a request from alice's laptop (see whois.json). */
function serveHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    'x-forwarded-for': '100.101.102.103',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'gateway.tail1234.ts.net',
    'tailscale-user-login': 'alice@example.com',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>;
}

const fakes: FakeTailscale[] = [];
afterAll(() => fakes.forEach((fake) => fake.dispose()));

/** A fake tailscale, first on PATH until the returned undo; its call log lives until the end of the file. */
function installFake(options: FakeTailscaleOptions = {}): { fake: FakeTailscale; restore: () => void } {
  const fake = new FakeTailscale(options);
  fakes.push(fake);
  return { fake, restore: fake.install() };
}

/** A gateway in this process with the fake tailscale first on PATH; stop() closes it and restores PATH. */
async function startWithFake(fakeOptions: FakeTailscaleOptions, appOptions: TestAppOptions) {
  const { fake, restore } = installFake(fakeOptions);
  try {
    const app = await createTestApp(appOptions);
    return {
      fake,
      app,
      stop: async () => {
        await app.close();
        restore();
      },
    };
  } catch (error) {
    restore();
    throw error;
  }
}

async function statusOf(app: TestApp): Promise<Record<string, unknown>> {
  const auth = app.config.gateway.auth.mode === 'password' ? { password: app.token } : { token: app.token };
  const client = await WsTestClient.connected(app.url, { auth });
  const res = await client.request('status');
  await client.close();
  return res.payload as Record<string, unknown>;
}

describe('tailscale serve', () => {
  it('forwards https://<magicdns>/ to the loopback port once listening, reports it, and undoes it on exit', async () => {
    const { fake, app, stop } = await startWithFake(
      {},
      { config: { gateway: { tailscale: { mode: 'serve', resetOnExit: true } } } },
    );
    let closed = false;
    try {
      expect(fake.calls()).toEqual([
        ['status', '--json'],
        ['serve', '--bg', '--https=443', `http://127.0.0.1:${app.port}`],
      ]);
      expect(app.gateway.tailscale).toEqual({ mode: 'serve', state: 'active', url: MAGIC_URL });
      expect((await statusOf(app)).tailscale).toEqual({ mode: 'serve', state: 'active', url: MAGIC_URL });

      await stop();
      closed = true;
      expect(fake.calls().slice(2)).toEqual([['serve', '--https=443', 'off']]);
    } finally {
      if (!closed) await stop();
    }
  });

  it('leaves the serve configuration in place on exit without resetOnExit', async () => {
    const { fake, stop } = await startWithFake({}, { config: { gateway: { tailscale: { mode: 'serve' } } } });
    await stop();
    expect(fake.calls().map((args) => args[0])).toEqual(['status', 'serve']);
  });

  it('keeps running on loopback with a warning state when serve itself fails', async () => {
    const { fake, app, stop } = await startWithFake(
      { fail: 'serve' },
      { config: { gateway: { tailscale: { mode: 'serve', resetOnExit: true } } } },
    );
    try {
      expect(app.gateway.tailscale).toMatchObject({ mode: 'serve', state: 'failed' });
      expect(app.gateway.tailscale.problem).toContain('tailscale serve --bg --https=443 http://127.0.0.1:');
      expect(app.gateway.tailscale.problem).toContain('loopback only');
      expect((await statusOf(app)).tailscale).toEqual({ mode: 'serve', state: 'failed' });
    } finally {
      await stop();
    }
    // Nothing was configured, so nothing is undone.
    expect(fake.callsOf('serve')).toHaveLength(1);
  });
});

describe('tailscale funnel', () => {
  let fake: FakeTailscale;
  let app: TestApp;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ({ fake, app, stop } = await startWithFake(
      {},
      // allowTailscale set on purpose: it must not open a way around the password.
      {
        config: {
          gateway: {
            auth: { mode: 'password', password: PASSWORD, allowTailscale: true },
            tailscale: { mode: 'funnel', resetOnExit: true },
          },
        },
      },
    ));
  });
  afterAll(() => stop());

  it('publishes with tailscale funnel when password auth is on', () => {
    expect(fake.callsOf('funnel')).toEqual([['funnel', '--bg', '--https=443', `http://127.0.0.1:${app.port}`]]);
    expect(app.gateway.tailscale).toEqual({ mode: 'funnel', state: 'active', url: MAGIC_URL });
  });

  it('never accepts Tailscale identity headers in place of the password, and asks no whois', async () => {
    const client = await WsTestClient.open(app.url, { headers: serveHeaders() });
    const res = await client.connect();
    expect(res.ok).toBe(false);
    expect(res.error).toMatchObject({ code: 'NOT_PAIRED' });
    expect((await client.waitClosed()).code).toBe(1008);
    expect(fake.callsOf('whois')).toEqual([]);
  });

  it('accepts Funnel traffic with the password', async () => {
    const client = await WsTestClient.connected(
      app.url,
      { auth: { password: PASSWORD } },
      { headers: serveHeaders({ 'tailscale-user-login': undefined }) },
    );
    await client.close();
  });

  it('runs tailscale funnel --https=443 off on exit', async () => {
    await stop();
    stop = async () => undefined;
    expect(fake.calls().at(-1)).toEqual(['funnel', '--https=443', 'off']);
  });
});

describe('tailscale start-up refusals', () => {
  it.each([
    [
      'funnel in token mode',
      { gateway: { tailscale: { mode: 'funnel' } } },
      /gateway\.tailscale\.mode "funnel" .* requires password auth: set gateway\.auth\.mode to "password"/,
    ],
    [
      'serve with a LAN bind',
      { gateway: { bind: 'lan', auth: { token: 'x'.repeat(40) }, tailscale: { mode: 'serve' } } },
      /gateway\.tailscale\.mode "serve" needs a loopback bind, but gateway\.bind is "lan" .*Set gateway\.bind to "loopback"/,
    ],
    [
      'funnel with a LAN bind and no configured secret',
      { gateway: { bind: 'lan', auth: { password: PASSWORD }, tailscale: { mode: 'funnel' } } },
      /gateway\.tailscale\.mode "funnel" needs a loopback bind/,
    ],
  ])('refuses %s, naming the fix, before calling tailscale', async (_label, config, message) => {
    const { fake, restore } = installFake();
    try {
      const attempt = createTestApp({ config });
      await expect(attempt).rejects.toBeInstanceOf(StartupError);
      await expect(attempt).rejects.toThrow(message);
      expect(fake.calls()).toEqual([]);
    } finally {
      restore();
    }
  });
});

describe('tailscale missing or not connected', () => {
  it.each<[string, FakeTailscaleOptions, string, string]>([
    ['the tailscale command is missing', { missing: true }, 'not-installed', 'install Tailscale'],
    ['tailscale is logged out', { status: 'logged-out' }, 'logged-out', 'run `tailscale up`'],
    ['tailscaled is not running', { status: 'daemon-down' }, 'not-running', 'tailscaled'],
  ])('keeps the gateway on loopback when %s, with the fix in the warning', async (_label, fakeOptions, state, fix) => {
    const { fake, app, stop } = await startWithFake(fakeOptions, {
      config: { gateway: { tailscale: { mode: 'serve', resetOnExit: true } } },
    });
    try {
      expect(app.gateway.tailscale).toMatchObject({ mode: 'serve', state });
      expect(app.gateway.tailscale.problem).toContain(fix);
      expect(app.gateway.tailscale.problem).toContain('the gateway keeps running on loopback only');
      expect((await statusOf(app)).tailscale).toEqual({ mode: 'serve', state });
      expect(fake.callsOf('serve')).toEqual([]);
    } finally {
      await stop();
    }
    expect(fake.callsOf('serve')).toEqual([]);
  });
});

describe('Tailscale Serve identity', () => {
  let fake: FakeTailscale;
  let app: TestApp;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    // serve + token mode: allowTailscale defaults to true.
    ({ fake, app, stop } = await startWithFake({}, { config: { gateway: { tailscale: { mode: 'serve' } } } }));
  });
  afterAll(() => stop());
  beforeEach(() => fake.clearCalls());

  async function refused(headers: Record<string, string>, expected: { code: string; message: string }) {
    const client = await WsTestClient.open(app.url, { headers });
    const res = await client.connect();
    expect(res.ok).toBe(false);
    expect(res.error).toMatchObject({ code: expected.code });
    expect(res.error!.message).toContain(expected.message);
    expect((await client.waitClosed()).code).toBe(1008);
  }

  it('accepts a loopback request with the Serve headers when whois confirms the login, and shows it in presence', async () => {
    const client = await WsTestClient.connected(app.url, {}, { headers: serveHeaders() });
    const presence = (await client.request('system-presence')).payload as Array<{
      key: string;
      tailscaleLogin?: string;
      ip?: string;
    }>;
    expect(presence.filter((entry) => entry.tailscaleLogin)).toEqual([
      expect.objectContaining({ tailscaleLogin: 'alice@example.com' }),
    ]);
    expect(fake.callsOf('whois')).toEqual([['whois', '--json', '100.101.102.103']]);
    await client.close();
  });

  it('reuses the whois answer for the next connect from the same address', async () => {
    // The first test asked whois for this address less than 60 s ago.
    const client = await WsTestClient.connected(app.url, {}, { headers: serveHeaders() });
    await client.close();
    expect(fake.callsOf('whois')).toEqual([]);
  });

  it('refuses a login header that differs from what whois says', async () => {
    await refused(serveHeaders({ 'x-forwarded-for': '100.101.102.104', 'tailscale-user-login': 'alice@example.com' }), {
      code: 'INVALID_REQUEST',
      message: 'unauthorized: Tailscale identity not verified',
    });
    expect(fake.callsOf('whois')).toEqual([['whois', '--json', '100.101.102.104']]);
  });

  it('refuses when whois fails (an address tailscale does not know)', async () => {
    await refused(serveHeaders({ 'x-forwarded-for': '100.99.99.99' }), {
      code: 'INVALID_REQUEST',
      message: 'unauthorized: Tailscale identity not verified',
    });
    expect(fake.callsOf('whois')).toEqual([['whois', '--json', '100.99.99.99']]);
  });

  it('refuses a tagged node, which has no user', async () => {
    await refused(serveHeaders({ 'x-forwarded-for': '100.101.102.105', 'tailscale-user-login': 'tagged-devices' }), {
      code: 'INVALID_REQUEST',
      message: 'Tailscale identity not verified',
    });
  });

  it('refuses Funnel-style traffic (forwarding headers, no user login) without a secret and asks no whois', async () => {
    await refused(serveHeaders({ 'tailscale-user-login': undefined }), {
      code: 'NOT_PAIRED',
      message: 'device identity required',
    });
    expect(fake.callsOf('whois')).toEqual([]);
  });

  it('ignores the login header when one of the forwarding headers is missing', async () => {
    await refused(serveHeaders({ 'x-forwarded-proto': undefined }), { code: 'NOT_PAIRED', message: 'device identity required' });
    expect(fake.callsOf('whois')).toEqual([]);
  });

  it('lets a valid token win without asking whois, and records no Tailscale login', async () => {
    const client = await WsTestClient.connected(
      app.url,
      { auth: { token: app.token } },
      { headers: serveHeaders({ 'x-forwarded-for': '100.101.102.104' }) },
    );
    const presence = (await client.request('system-presence')).payload as Array<{ tailscaleLogin?: string }>;
    expect(presence.filter((entry) => entry.tailscaleLogin).map((entry) => entry.tailscaleLogin)).toEqual([]);
    expect(fake.callsOf('whois')).toEqual([]);
    await client.close();
  });

  it('accepts a confirmed identity even when a stale token is sent with it', async () => {
    const client = await WsTestClient.connected(app.url, { auth: { token: 'stale-token' } }, { headers: serveHeaders() });
    await client.close();
  });

  it('answers a request sent right behind connect once the identity is confirmed', async () => {
    const client = await WsTestClient.open(app.url, { headers: serveHeaders() });
    const connecting = client.connect();
    const status = client.request('status');
    expect((await connecting).ok).toBe(true);
    expect((await status).ok).toBe(true);
    await client.close();
  });

  it('closes a connection that floods frames while its connect is being checked', async () => {
    // An address whois has not answered yet, so the fake's start-up keeps the connect pending.
    const client = await WsTestClient.open(app.url, { headers: serveHeaders({ 'x-forwarded-for': '100.101.102.110' }) });
    client.sendJson({ type: 'req', id: 'connect-1', method: 'connect', params: baseConnectParams() });
    for (let i = 0; i < 17; i++) client.sendJson({ type: 'req', id: `early-${i}`, method: 'health' });
    expect(await client.waitClosed()).toEqual({ code: 1008, reason: 'too many frames before hello-ok' });
  });

  it('closes a connection whose frames held during the check add up to more than maxPayload', async () => {
    const client = await WsTestClient.open(app.url, { headers: serveHeaders({ 'x-forwarded-for': '100.101.102.111' }) });
    client.sendJson({ type: 'req', id: 'connect-1', method: 'connect', params: baseConnectParams() });
    // Each fits in a frame; together they are more than one frame's worth of memory for a client not yet admitted.
    for (let i = 0; i < 3; i++)
      client.sendJson({ type: 'req', id: `big-${i}`, method: 'health', params: { pad: 'x'.repeat(300 * 1024) } });
    expect(await client.waitClosed()).toEqual({ code: 1008, reason: 'too many frames before hello-ok' });
  });

  it('treats a confirmed identity like the shared secret for a device: a new device still needs pairing', async () => {
    const identity = generateDeviceIdentity();
    const client = await WsTestClient.open(app.url, { headers: serveHeaders() });
    const device = signDeviceProof(identity, {
      clientId: 'test-cli',
      clientMode: 'cli',
      role: 'operator',
      scopes: [],
      signedAtMs: Date.now(),
      token: undefined,
      nonce: client.challengeNonce,
    });
    const res = await client.connect({ device });
    expect(res.error).toMatchObject({ code: 'NOT_PAIRED' });
    expect(res.error!.message).toContain('pairing required');
  });
});

describe('Tailscale Serve identity when disabled or rate limited', () => {
  it('ignores the Serve headers with allowTailscale: false', async () => {
    const { fake, app, stop } = await startWithFake(
      {},
      { config: { gateway: { auth: { allowTailscale: false }, tailscale: { mode: 'serve' } } } },
    );
    try {
      const client = await WsTestClient.open(app.url, { headers: serveHeaders() });
      const res = await client.connect();
      expect(res.error).toMatchObject({ code: 'NOT_PAIRED' });
      expect(fake.callsOf('whois')).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('counts failures per tailnet address, before asking whois, without locking out others', async () => {
    const { fake, app, stop } = await startWithFake({}, { config: { gateway: { tailscale: { mode: 'serve' } } } });
    // A tailnet peer whose whois never confirms it (not in whois.json, so no answer is cached).
    const unknownPeer = serveHeaders({ 'x-forwarded-for': '100.101.102.200', 'tailscale-user-login': 'mallory@example.com' });
    try {
      for (let attempt = 0; attempt < 10; attempt++) {
        const client = await WsTestClient.open(app.url, { headers: unknownPeer });
        expect((await client.connect()).error?.message).toMatch(/Tailscale identity not verified/);
        await client.waitClosed();
      }
      expect(fake.callsOf('whois')).toHaveLength(10);
      const locked = await WsTestClient.open(app.url, { headers: unknownPeer });
      expect((await locked.connect()).error).toMatchObject({ code: 'RATE_LIMITED' });
      expect(fake.callsOf('whois')).toHaveLength(10);

      // Neither alice on her own tailnet address nor the CLI on the gateway host shares that bucket.
      const alice = await WsTestClient.open(app.url, { headers: serveHeaders() });
      expect((await alice.connect()).ok).toBe(true);
      await alice.close();
      const cli = await WsTestClient.connected(app.url, { auth: { token: app.token } });
      await cli.close();
    } finally {
      await stop();
    }
  });
});
