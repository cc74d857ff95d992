import * as fs from 'node:fs';
import { GatewayClient, GatewayClientError, GatewayClientOptions } from '../../src/common/client';
import { loadConfig, ResolvedConfig } from '../../src/common/config';
import { DeviceTokenStore, generateDeviceIdentity, loadOrCreateDeviceIdentity } from '../../src/common/identity';
import type { PresenceEntry } from '../../src/common/protocol';
import { RunningGateway, startGateway } from '../../src/main';
import { until } from '../support/fake-gateway';
import { TcpRelay } from '../support/tcp-relay';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';
import { freePort } from '../support/free-port';

const CLIENT = { id: 'client-e2e', version: '0.0.1', platform: 'linux', mode: 'cli' };
const FAST_BACKOFF = { initialDelayMs: 50, maxDelayMs: 200 };

type Recorded = { name: string; value: unknown; at: number };

/** Records the client's lifecycle events in order, and waits for the next one of a kind. */
function record(client: GatewayClient) {
  const events: Recorded[] = [];
  for (const name of ['connected', 'disconnected', 'reconnecting', 'error', 'gap']) {
    client.on(name, (value: unknown) => events.push({ name, value, at: Date.now() }));
  }
  const next = <T = unknown>(name: string, timeoutMs = 4_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${name}" within ${timeoutMs} ms; saw ${names().join(', ')}`)),
        timeoutMs,
      );
      client.once(name, (value: T) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  const names = () => events.map((e) => e.name);
  return { events, next, names };
}

async function rejectionOf(promise: Promise<unknown>): Promise<GatewayClientError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayClientError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on: bound once, then released. */

describe('GatewayClient against the gateway', () => {
  let app: TestApp;
  const clients: GatewayClient[] = [];

  const makeClient = (options: Partial<GatewayClientOptions> = {}) => {
    const client = new GatewayClient({
      url: app.url,
      token: app.token,
      client: CLIENT,
      connectTimeoutMs: 2_000,
      requestTimeoutMs: 2_000,
      ...options,
    });
    clients.push(client);
    return client;
  };

  const presence = async (client: GatewayClient) => (await client.request('system-presence')) as PresenceEntry[];

  beforeAll(async () => {
    app = await createTestApp({ config: { gateway: { limits: { tickIntervalMs: 100 } } } });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
  });

  afterAll(async () => {
    await app.close();
  });

  describe('connect', () => {
    it('returns hello-ok with the gateway policy and features', async () => {
      // Arrange
      const client = makeClient();

      // Act
      const hello = await client.connect();

      // Assert
      expect(hello).toMatchObject({
        type: 'hello-ok',
        protocol: 4,
        server: { connId: expect.any(String) },
        policy: { tickIntervalMs: 100 },
        snapshot: { stateDir: app.stateDir },
      });
      expect(hello.features.methods).toEqual(expect.arrayContaining(['health', 'status', 'system-presence']));
      expect(client.hello).toEqual(hello);
      expect(client.isConnected).toBe(true);
      expect((await presence(client)).some((entry) => entry.key === hello.server.connId)).toBe(true);
    });

    it('refuses a wrong token with kind "handshake-refused" and the gateway ErrorShape', async () => {
      // Arrange
      const client = makeClient({ token: 'not-the-token' });

      // Act
      const error = await rejectionOf(client.connect());

      // Assert
      expect(error.kind).toBe('handshake-refused');
      expect(error.info.error).toEqual({
        code: 'INVALID_REQUEST',
        message: 'unauthorized: gateway token mismatch (set gateway.remote.token to match gateway.auth.token)',
      });
      expect(error.message).toBe(error.info.error!.message);
      expect(client.isConnected).toBe(false);
      expect(client.hello).toBeUndefined();
    });

    it('reports a port nobody listens on as "unreachable" (ECONNREFUSED)', async () => {
      // Arrange
      const client = makeClient({ url: `ws://127.0.0.1:${await freePort()}` });

      // Act
      const error = await rejectionOf(client.connect());

      // Assert
      expect(error.kind).toBe('unreachable');
      expect(error.info.cause).toBe('ECONNREFUSED');
      expect(error.message).toBe('connection refused: nothing is listening there (ECONNREFUSED)');
    });

    it('reports wss:// to the plain gateway as a TLS "protocol" failure', async () => {
      // Arrange
      const client = makeClient({ url: `wss://127.0.0.1:${app.port}` });

      // Act
      const error = await rejectionOf(client.connect());

      // Assert
      expect(error.kind).toBe('protocol');
      expect(error.message).toContain('is the gateway serving plain ws://');
    });

    it.each([
      ['a ws:// URL with a fingerprint', { url: 'ws://127.0.0.1:1', tlsFingerprint: 'ab'.repeat(32) }],
      ['a malformed fingerprint', { url: 'wss://127.0.0.1:1', tlsFingerprint: 'ab:cd:ef' }],
    ])('throws at construction for %s, before any socket is opened', (_label, options) => {
      expect(() => new GatewayClient({ client: CLIENT, ...options })).toThrow(GatewayClientError);
    });

    it('signs with a generated identity, and the gateway shows the device id in presence', async () => {
      // Arrange
      const identity = generateDeviceIdentity();
      // Device ids in presence are for operator.admin viewers (docs/protocol.md, "Who sees what").
      const client = makeClient({ identity, scopes: ['operator.admin'] });

      // Act
      const hello = await client.connect();

      // Assert
      const entry = (await presence(client)).find((e) => e.key === hello.server.connId);
      expect(entry).toMatchObject({ deviceId: identity.deviceId, scopes: ['operator.admin'], mode: 'cli' });
    });

    it('signs with the identity stored in a state dir, and reconnects with the same device id', async () => {
      // Arrange
      const stateDir = makeStateDir();
      try {
        const options = { identity: loadOrCreateDeviceIdentity(stateDir), deviceTokens: new DeviceTokenStore(stateDir) };
        const first = makeClient(options);
        const firstHello = await first.connect();
        const firstEntry = (await presence(first)).find((e) => e.key === firstHello.server.connId);
        await first.stop();

        // Act
        const second = makeClient({ ...options, identity: loadOrCreateDeviceIdentity(stateDir) });
        const secondHello = await second.connect();

        // Assert
        const secondEntry = (await presence(second)).find((e) => e.key === secondHello.server.connId);
        expect(firstEntry?.deviceId).toBe(options.identity.deviceId);
        expect(secondEntry?.deviceId).toBe(options.identity.deviceId);
      } finally {
        fs.rmSync(stateDir, { recursive: true, force: true });
      }
    });
  });

  describe('request', () => {
    it('resolves with the payload', async () => {
      // Arrange
      const client = makeClient();
      await client.connect();

      // Act
      const health = await client.request('health');
      const status = await client.request('status');

      // Assert
      expect(health).toMatchObject({ ok: true, ts: expect.any(Number), nodes: { connected: 0 } });
      expect(status).toMatchObject({ bind: { mode: 'loopback', port: app.port }, auth: { mode: 'token' } });
    });

    it('rejects with kind "gateway-error" carrying the ErrorShape, and the connection stays usable', async () => {
      // Arrange
      const client = makeClient();
      await client.connect();

      // Act
      const unknown = await rejectionOf(client.request('does.not.exist'));
      const invalid = await rejectionOf(client.request('health', { verbose: true }));

      // Assert
      expect(unknown.kind).toBe('gateway-error');
      expect(unknown.info.error).toEqual({ code: 'INVALID_REQUEST', message: 'unknown method: does.not.exist' });
      expect(unknown.message).toBe('unknown method: does.not.exist');
      expect(invalid.kind).toBe('gateway-error');
      expect(invalid.info.error!.code).toBe('INVALID_REQUEST');
      expect(invalid.info.error!.message).toContain('verbose');
      expect(client.isConnected).toBe(true);
      expect(await client.request('health')).toMatchObject({ ok: true });
    });
  });

  describe('events', () => {
    it('delivers ticks to onEvent("tick") and "*" with increasing seq, until unsubscribed', async () => {
      // Arrange
      const client = makeClient();
      const ticks: Array<{ payload: unknown; seq?: number }> = [];
      const all: string[] = [];
      const unsubscribe = client.onEvent('tick', (payload, frame) => ticks.push({ payload, seq: frame.seq }));
      client.onEvent('*', (_payload, frame) => all.push(frame.event));
      await client.connect();

      // Act
      await until(() => (ticks.length >= 2 ? true : undefined), 5_000, 'two ticks');
      unsubscribe();
      const countAtUnsubscribe = ticks.length;
      await sleep(250);

      // Assert
      expect(countAtUnsubscribe).toBeGreaterThanOrEqual(2);
      expect(ticks.length).toBe(countAtUnsubscribe);
      expect(ticks[0].payload).toEqual({ ts: expect.any(Number) });
      for (let i = 1; i < ticks.length; i++) expect(ticks[i].seq!).toBeGreaterThan(ticks[i - 1].seq!);
      expect(all.filter((name) => name === 'tick').length).toBeGreaterThan(countAtUnsubscribe);
      expect(all).not.toContain('connect.challenge');
    });
  });

  describe('through a TCP relay', () => {
    let relay: TcpRelay;

    beforeEach(async () => {
      relay = await TcpRelay.start(app.port);
    });

    afterEach(async () => {
      relay.unfreeze();
      await Promise.all(clients.splice(0).map((client) => client.stop()));
      await relay.close();
    });

    it('drops a link that went silent (tick watchdog) and reconnects once it flows again', async () => {
      // Arrange
      const client = makeClient({ url: relay.url, backoff: FAST_BACKOFF, connectTimeoutMs: 1_000 });
      const log = record(client);
      const firstConnected = log.next('connected');
      client.start();
      await firstConnected;
      await new Promise<void>((resolve) => {
        const off = client.onEvent('tick', () => {
          off();
          resolve();
        });
      });

      // Act
      const frozenAt = Date.now();
      relay.freeze();
      const disconnected = await log.next<{ code: number }>('disconnected', 4_000);
      const silentFor = Date.now() - frozenAt;
      const reconnected = log.next<{ server: { connId: string } }>('connected', 4_000);
      relay.unfreeze();
      const hello = await reconnected;

      // Assert: the watchdog allows two tick intervals plus a second of slack (1.2 s here)
      expect(silentFor).toBeGreaterThanOrEqual(1_000);
      expect(silentFor).toBeLessThan(3_000);
      expect(disconnected.code).toBe(1006);
      expect(client.isConnected).toBe(true);
      expect(relay.accepted).toBeGreaterThanOrEqual(2);
      expect((await presence(client)).some((entry) => entry.key === hello.server.connId)).toBe(true);
    });

    it('rejects pending requests with kind "closed" when the socket closes', async () => {
      // Arrange
      const client = makeClient({ url: relay.url, requestTimeoutMs: 10_000 });
      await client.connect();
      relay.freeze();
      const pending = rejectionOf(client.request('health'));
      const alsoPending = rejectionOf(client.request('status'));

      // Act
      const cutAt = Date.now();
      relay.cut();
      const [first, second] = await Promise.all([pending, alsoPending]);

      // Assert
      expect(Date.now() - cutAt).toBeLessThan(2_000);
      for (const error of [first, second]) {
        expect(error.kind).toBe('closed');
        expect(error.info.closeCode).toBe(1006);
        expect(error.message).toBe('the gateway closed the connection (1006)');
      }
      expect(client.isConnected).toBe(false);
    });

    it('times out with kind "timeout" when the gateway never answers the upgrade', async () => {
      // Arrange
      relay.freeze();
      const client = makeClient({ url: relay.url, connectTimeoutMs: 300 });

      // Act
      const error = await rejectionOf(client.connect());

      // Assert
      expect(error.kind).toBe('timeout');
    });
  });
});

describe('GatewayClient across a gateway restart', () => {
  const token = 'restart-e2e-token';
  let stateDir: string;
  let config: ResolvedConfig;
  let gateway: RunningGateway | undefined;
  const clients: GatewayClient[] = [];

  const start = (port: number) => startGateway({ config, listenPort: port, logLevels: false });
  const makeClient = (port: number) => {
    const client = new GatewayClient({
      url: `ws://127.0.0.1:${port}`,
      token,
      client: CLIENT,
      backoff: FAST_BACKOFF,
      connectTimeoutMs: 2_000,
    });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    stateDir = makeStateDir();
    const text = JSON.stringify({ gateway: { auth: { token }, limits: { tickIntervalMs: 100 } } });
    config = loadConfig({ env: { NESTCLAW_STATE_DIR: stateDir }, homeDir: stateDir, readFile: () => text });
    gateway = await start(0);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    await gateway?.close();
    gateway = undefined;
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('emits disconnected, then connected again when the gateway comes back on the same port', async () => {
    // Arrange
    const port = gateway!.port;
    const client = makeClient(port);
    const log = record(client);
    const firstConnected = log.next<{ server: { connId: string } }>('connected');
    client.start();
    const firstHello = await firstConnected;

    // Act
    const disconnected = log.next<{ code: number; reason: string }>('disconnected');
    await gateway!.close();
    gateway = undefined;
    const down = await disconnected;
    // A few refused attempts while nothing listens.
    await until(
      () => (log.names().filter((name) => name === 'reconnecting').length >= 2 ? true : undefined),
      5_000,
      'two retries',
    );
    const reconnected = log.next<{ server: { connId: string } }>('connected');
    gateway = await start(port);
    const secondHello = await reconnected;

    // Assert
    expect(down).toEqual({ code: 1012, reason: 'gateway stopping' });
    expect(secondHello.server.connId).not.toBe(firstHello.server.connId);
    const names = log.names().filter((name) => name !== 'error');
    expect(names[0]).toBe('connected');
    expect(names[1]).toBe('disconnected');
    expect(names.slice(2, -1).every((name) => name === 'reconnecting')).toBe(true);
    expect(names.slice(2, -1).length).toBeGreaterThanOrEqual(2);
    expect(names[names.length - 1]).toBe('connected');
    const refusals = log.events.filter((e) => e.name === 'error').map((e) => (e.value as GatewayClientError).kind);
    expect(refusals).toContain('unreachable');
    expect(client.isConnected).toBe(true);
    expect(await client.request('health')).toMatchObject({ ok: true });
  });

  it('stop() ends the loop: no reconnect afterwards, and the gateway sees the client leave', async () => {
    // Arrange
    const port = gateway!.port;
    const client = makeClient(port);
    const watcher = makeClient(port);
    await watcher.connect();
    const log = record(client);
    const connected = log.next<{ server: { connId: string } }>('connected');
    client.start();
    const hello = await connected;

    // Act
    await client.stop();
    const countAtStop = log.events.length;
    await sleep(600);

    // Assert
    expect(log.names().slice(countAtStop)).toEqual([]);
    expect(log.names()).toEqual(['connected', 'disconnected']);
    expect(client.isConnected).toBe(false);
    const entries = (await watcher.request('system-presence')) as PresenceEntry[];
    expect(entries.some((entry) => entry.key === hello.server.connId)).toBe(false);
  });

  it('stop() while the gateway is down ends the retries', async () => {
    // Arrange
    const port = gateway!.port;
    await gateway!.close();
    gateway = undefined;
    const client = makeClient(port);
    const log = record(client);
    const retrying = log.next('reconnecting');
    client.start();
    await retrying;

    // Act
    await client.stop();
    const countAtStop = log.events.length;
    gateway = await start(port);
    await sleep(600);

    // Assert
    expect(log.names().slice(countAtStop)).toEqual([]);
    expect(log.names()).not.toContain('connected');
  });
});
