import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import {
  buildDeviceAuthPayload,
  DeviceTokenStore,
  generateDeviceIdentity,
  parseDevicePublicKey,
  verifyDeviceSignature,
} from '../identity';
import { NodeCloseReason, type ConnectParams, type EventFrame, type RequestFrame } from '../protocol';
import { GatewayClientError } from './client-errors';
import { GatewayClient, GatewayClientOptions } from './gateway-client';

const CLIENT = { id: 'spec-client', version: '0.0.1', platform: 'linux', mode: 'cli' };

type RequestHandler = (frame: RequestFrame, reply: (frame: object) => void, socket: WebSocket) => void;

/**
 * Plays just enough gateway for the client's edge cases the real one cannot
 * produce yet: challenge, a minimal hello-ok, then whatever the test scripts.
 */
class FakeGateway {
  readonly connects: ConnectParams[] = [];
  readonly sockets: WebSocket[] = [];
  nonce = 'fake-nonce-0123456789abcdef';
  sendChallenge = true;
  helloAuth?: object;
  /** Refuses connects that present this token, with these error details. */
  refuseToken?: { token: string; details: object; code?: string };
  onRequest: RequestHandler = (frame, reply) => reply({ type: 'res', id: frame.id, ok: true, payload: { echo: frame.method } });

  private constructor(readonly server: WebSocketServer) {
    server.on('connection', (socket) => this.onConnection(socket));
  }

  static async start(): Promise<FakeGateway> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeGateway(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Sends a frame to the most recent connection. */
  send(frame: object): void {
    this.sockets[this.sockets.length - 1].send(JSON.stringify(frame));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(socket: WebSocket): void {
    this.sockets.push(socket);
    if (this.sendChallenge) {
      socket.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: this.nonce, ts: Date.now() } }));
    }
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as RequestFrame;
      const reply = (answer: object) => socket.send(JSON.stringify(answer));
      if (frame.method === 'connect') {
        const params = frame.params as ConnectParams;
        this.connects.push(params);
        if (this.refuseToken && params.auth?.token === this.refuseToken.token) {
          const { code = 'INVALID_REQUEST', details } = this.refuseToken;
          reply({ type: 'res', id: frame.id, ok: false, error: { code, message: 'refused', details } });
          socket.close(1008, 'refused');
          return;
        }
        reply({ type: 'res', id: frame.id, ok: true, payload: this.hello() });
        return;
      }
      this.onRequest(frame, reply, socket);
    });
  }

  private hello() {
    return {
      type: 'hello-ok',
      protocol: 3,
      server: { version: 'fake', connId: `conn-${this.sockets.length}` },
      features: { methods: [], events: [] },
      snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 0 },
      ...(this.helloAuth ? { auth: this.helloAuth } : {}),
      policy: { maxPayload: 1_048_576, maxBufferedBytes: 1_048_576, tickIntervalMs: 60_000 },
    };
  }
}

function waitFor<T = unknown>(emitter: NodeJS.EventEmitter, event: string, timeoutMs = 2_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
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

describe(GatewayClient.name, () => {
  let fake: FakeGateway;
  const clients: GatewayClient[] = [];

  const makeClient = (options: Partial<GatewayClientOptions> = {}) => {
    const client = new GatewayClient({
      url: fake.url,
      token: 'tok',
      client: CLIENT,
      connectTimeoutMs: 1_000,
      requestTimeoutMs: 1_000,
      ...options,
    });
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    fake = await FakeGateway.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.stop()));
    await fake.close();
  });

  describe('constructor', () => {
    it.each([
      ['an http:// URL', { url: 'http://127.0.0.1:1' }, 'gateway URL must start with ws:// or wss:// (got http://)'],
      [
        'a pin for a ws:// URL',
        { url: 'ws://127.0.0.1:1', tlsFingerprint: 'ab'.repeat(32) },
        'a TLS fingerprint was given for a ws:// URL',
      ],
      [
        'a malformed pin',
        { url: 'wss://127.0.0.1:1', tlsFingerprint: 'ab:cd' },
        'the TLS fingerprint must be a SHA-256 fingerprint',
      ],
    ])('refuses %s with kind "protocol"', (_label, options, message) => {
      // Act
      let thrown: unknown;
      try {
        new GatewayClient({ client: CLIENT, ...options });
      } catch (error) {
        thrown = error;
      }

      // Assert
      expect(thrown).toBeInstanceOf(GatewayClientError);
      expect((thrown as GatewayClientError).kind).toBe('protocol');
      expect((thrown as GatewayClientError).message).toContain(message);
    });

    it('accepts a pin in any notation for a wss:// URL', () => {
      expect(
        () => new GatewayClient({ url: 'wss://127.0.0.1:1', tlsFingerprint: `SHA256:${'AB:'.repeat(31)}AB`, client: CLIENT }),
      ).not.toThrow();
    });
  });

  describe('connect', () => {
    it('sends protocol 3, the client info, the default role and the secret', async () => {
      // Arrange
      const client = makeClient({ password: 'pw' });

      // Act
      const hello = await client.connect();

      // Assert
      expect(hello.type).toBe('hello-ok');
      expect(client.hello).toBe(hello);
      expect(client.isConnected).toBe(true);
      expect(fake.connects).toEqual([
        { minProtocol: 3, maxProtocol: 4, client: CLIENT, role: 'operator', scopes: [], auth: { token: 'tok', password: 'pw' } },
      ]);
    });

    it('declares caps, commands and permissions for a node', async () => {
      // Arrange
      const client = makeClient({ role: 'node', caps: ['camera'], commands: ['camera.snap'], permissions: { camera: true } });

      // Act
      await client.connect();

      // Assert
      expect(fake.connects[0]).toMatchObject({
        role: 'node',
        caps: ['camera'],
        commands: ['camera.snap'],
        permissions: { camera: true },
      });
    });

    it('signs the v2 payload with the challenge nonce', async () => {
      // Arrange
      const identity = generateDeviceIdentity();
      const client = makeClient({ identity, scopes: ['operator.read'] });

      // Act
      await client.connect();

      // Assert
      const device = fake.connects[0].device!;
      expect(device).toMatchObject({ id: identity.deviceId, publicKey: identity.publicKey, nonce: fake.nonce });
      const payload = buildDeviceAuthPayload({
        deviceId: identity.deviceId,
        clientId: CLIENT.id,
        clientMode: CLIENT.mode,
        role: 'operator',
        scopes: ['operator.read'],
        signedAtMs: device.signedAt,
        token: 'tok',
        nonce: fake.nonce,
      });
      expect(verifyDeviceSignature(parseDevicePublicKey(identity.publicKey)!, payload, device.signature)).toBe(true);
      expect(Math.abs(device.signedAt - Date.now())).toBeLessThan(5_000);
    });

    describe('device tokens', () => {
      let stateDir: string;

      beforeEach(() => {
        stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-client-'));
      });

      afterEach(() => {
        fs.rmSync(stateDir, { recursive: true, force: true });
      });

      it('stores the device token from hello-ok and offers it on the next connect', async () => {
        // Arrange
        const identity = generateDeviceIdentity();
        const deviceTokens = new DeviceTokenStore(stateDir);
        fake.helloAuth = { deviceToken: 'issued-device-token', role: 'operator', scopes: ['operator.admin'] };
        const first = makeClient({ identity, deviceTokens, token: undefined });

        // Act
        await first.connect();
        await first.stop();
        const second = makeClient({ identity, deviceTokens, token: undefined });
        await second.connect();

        // Assert
        expect(deviceTokens.get(fake.url, 'operator')).toBe('issued-device-token');
        expect(fake.connects[0].auth).toBeUndefined();
        expect(fake.connects[1].auth).toEqual({ token: 'issued-device-token' });
      });

      it('offers a stored device token first, and never without an identity', async () => {
        // Arrange
        const deviceTokens = new DeviceTokenStore(stateDir);
        deviceTokens.set(fake.url, 'operator', 'stored');

        // Act
        await makeClient({ identity: generateDeviceIdentity(), deviceTokens, token: 'explicit' }).connect();
        await makeClient({ deviceTokens, token: undefined }).connect();

        // Assert
        expect(fake.connects[0].auth).toEqual({ token: 'stored' });
        expect(fake.connects[1].auth).toBeUndefined();
      });

      it('forgets a device token the gateway no longer knows and retries once with the configured token', async () => {
        // Arrange
        const deviceTokens = new DeviceTokenStore(stateDir);
        deviceTokens.set(fake.url, 'operator', 'revoked');
        fake.refuseToken = { token: 'revoked', details: { reason: 'device-token-invalid' } };

        // Act
        await makeClient({ identity: generateDeviceIdentity(), deviceTokens, token: 'explicit' }).connect();

        // Assert
        expect(fake.connects.map((c) => c.auth?.token)).toEqual(['revoked', 'explicit']);
        expect(deviceTokens.get(fake.url, 'operator')).toBeUndefined();
      });

      it.each(['device-token-revoked', 'device-token-mismatch'])(
        'drops the stored token on %s, says so, and retries once with the secret',
        async (reason) => {
          // Arrange
          const deviceTokens = new DeviceTokenStore(stateDir);
          deviceTokens.set(fake.url, 'operator', 'stale');
          fake.refuseToken = { token: 'stale', details: { reason } };
          const client = makeClient({ identity: generateDeviceIdentity(), deviceTokens, token: 'explicit' });
          const dropped: unknown[] = [];
          client.on('device-token-dropped', (info) => dropped.push(info));

          // Act
          await client.connect();

          // Assert
          expect(fake.connects.map((c) => c.auth?.token)).toEqual(['stale', 'explicit']);
          expect(dropped).toEqual([{ reason, retryWith: 'token' }]);
          expect(deviceTokens.get(fake.url, 'operator')).toBeUndefined();
        },
      );

      it('keeps the stored token when the refusal is about something else', async () => {
        // Arrange
        const deviceTokens = new DeviceTokenStore(stateDir);
        deviceTokens.set(fake.url, 'operator', 'still-good');
        fake.refuseToken = { token: 'still-good', details: { requestId: 'r1' }, code: 'NOT_PAIRED' };

        // Act
        const error = await rejectionOf(
          makeClient({ identity: generateDeviceIdentity(), deviceTokens, token: 'explicit' }).connect(),
        );

        // Assert
        expect(error.kind).toBe('handshake-refused');
        expect(fake.connects).toHaveLength(1);
        expect(deviceTokens.get(fake.url, 'operator')).toBe('still-good');
      });
    });

    it('times out with kind "timeout" when no challenge comes', async () => {
      // Arrange
      fake.sendChallenge = false;
      const client = makeClient({ connectTimeoutMs: 200 });

      // Act
      const error = await rejectionOf(client.connect());

      // Assert
      expect(error.kind).toBe('timeout');
      expect(error.message).toBe('no gateway challenge within 200 ms: is this a nestclaw gateway?');
      expect(client.isConnected).toBe(false);
    });

    it('reports a refused connect as "handshake-refused" with the ErrorShape', async () => {
      // Arrange
      const shape = { code: 'NOT_PAIRED', message: 'pairing required', details: { requestId: 'r1' } };
      fake.server.removeAllListeners('connection');
      fake.server.on('connection', (socket) => {
        socket.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n', ts: 1 } }));
        socket.on('message', (data) => {
          const frame = JSON.parse(data.toString());
          socket.send(JSON.stringify({ type: 'res', id: frame.id, ok: false, error: shape }));
          socket.close(1008, 'pairing required');
        });
      });
      const client = makeClient();

      // Act
      const error = await rejectionOf(client.connect());

      // Assert
      expect(error.kind).toBe('handshake-refused');
      expect(error.message).toBe('pairing required');
      expect(error.info.error).toEqual(shape);
    });

    it('reports a refused upgrade with its HTTP status', async () => {
      // Arrange
      const server = http.createServer((_req, res) => res.writeHead(404).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      const client = makeClient({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` });

      try {
        // Act
        const error = await rejectionOf(client.connect());

        // Assert
        expect(error.kind).toBe('upgrade-refused');
        expect(error.info.httpStatus).toBe(404);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('reports "closed" with the close code when the server hangs up before the handshake', async () => {
      // Arrange
      fake.server.removeAllListeners('connection');
      fake.server.on('connection', (socket) => socket.close(1011, 'internal error'));
      const client = makeClient();

      // Act
      const error = await rejectionOf(client.connect());

      // Assert
      expect(error.kind).toBe('closed');
      expect(error.info).toMatchObject({ closeCode: 1011, closeReason: 'internal error' });
    });

    it('waits out a gateway that is still starting (close 1013), then connects', async () => {
      // Arrange: the first two sockets are turned away as a starting reference gateway does.
      const handler = fake.server.listeners('connection')[0] as (...args: unknown[]) => void;
      fake.server.removeAllListeners('connection');
      let refused = 0;
      fake.server.on('connection', (socket, ...rest) => {
        if (refused++ < 2) socket.close(1013, 'gateway starting; retry shortly');
        else handler(socket, ...rest);
      });
      const client = makeClient();

      // Act
      const hello = await client.connect();

      // Assert
      expect(hello.type).toBe('hello-ok');
      expect(refused).toBe(3);
    });

    it('gives up on a gateway that keeps starting after startupWaitMs', async () => {
      // Arrange
      fake.server.removeAllListeners('connection');
      fake.server.on('connection', (socket) => socket.close(1013, 'gateway starting; retry shortly'));
      const client = makeClient({ startupWaitMs: 0 });

      // Act
      const error = await rejectionOf(client.connect());

      // Assert
      expect(error.info).toMatchObject({ closeCode: 1013 });
    });
  });

  describe('request', () => {
    it('rejects with kind "closed" when not connected', async () => {
      // Act
      const error = await rejectionOf(makeClient().request('health'));

      // Assert
      expect(error.kind).toBe('closed');
      expect(error.message).toBe('not connected to the gateway');
    });

    it('sends a req frame and resolves with the payload of the matching res', async () => {
      // Arrange
      const seen: RequestFrame[] = [];
      fake.onRequest = (frame, reply) => {
        seen.push(frame);
        reply({ type: 'res', id: frame.id, ok: true, payload: { got: frame.params } });
      };
      const client = makeClient();
      await client.connect();

      // Act
      const payload = await client.request('things.get', { a: 1 });

      // Assert
      expect(payload).toEqual({ got: { a: 1 } });
      expect(seen).toEqual([{ type: 'req', id: expect.any(String), method: 'things.get', params: { a: 1 } }]);
    });

    it('matches answers to requests by id when they arrive out of order', async () => {
      // Arrange
      const held: Array<() => void> = [];
      fake.onRequest = (frame, reply) => {
        held.push(() => reply({ type: 'res', id: frame.id, ok: true, payload: frame.params }));
        if (held.length === 2) held.reverse().forEach((send) => send());
      };
      const client = makeClient();
      await client.connect();

      // Act
      const [a, b] = await Promise.all([client.request('m', 'first'), client.request('m', 'second')]);

      // Assert
      expect([a, b]).toEqual(['first', 'second']);
    });

    it('times out with kind "timeout" naming the method', async () => {
      // Arrange
      fake.onRequest = () => undefined;
      const client = makeClient();
      await client.connect();

      // Act
      const error = await rejectionOf(client.request('slow.method', undefined, { timeoutMs: 100 }));

      // Assert
      expect(error.kind).toBe('timeout');
      expect(error.message).toBe('no answer to "slow.method" within 100 ms');
    });

    describe('expectFinal', () => {
      const twoStage: RequestHandler = (frame, reply) => {
        reply({ type: 'res', id: frame.id, ok: true, payload: { status: 'accepted', runId: 'run-1' } });
        setTimeout(
          () => reply({ type: 'res', id: frame.id, ok: true, payload: { status: 'ok', runId: 'run-1', text: 'done' } }),
          30,
        );
      };

      it('skips the accepted ack and resolves with the final answer', async () => {
        // Arrange
        fake.onRequest = twoStage;
        const client = makeClient();
        await client.connect();

        // Act
        const payload = await client.request('agent', { message: 'hi' }, { expectFinal: true });

        // Assert
        expect(payload).toEqual({ status: 'ok', runId: 'run-1', text: 'done' });
      });

      it('resolves with the ack when not asked to wait for the final answer', async () => {
        // Arrange
        fake.onRequest = twoStage;
        const client = makeClient();
        await client.connect();

        // Act
        const payload = await client.request('agent', { message: 'hi' });

        // Assert
        expect(payload).toEqual({ status: 'accepted', runId: 'run-1' });
      });

      it('rejects with the final error after an accepted ack', async () => {
        // Arrange
        const shape = { code: 'UNAVAILABLE', message: 'the run failed' };
        fake.onRequest = (frame, reply) => {
          reply({ type: 'res', id: frame.id, ok: true, payload: { status: 'accepted' } });
          reply({ type: 'res', id: frame.id, ok: false, error: shape });
        };
        const client = makeClient();
        await client.connect();

        // Act
        const error = await rejectionOf(client.request('agent', {}, { expectFinal: true }));

        // Assert
        expect(error.kind).toBe('gateway-error');
        expect(error.info.error).toEqual(shape);
      });

      it('still times out when the final answer never comes', async () => {
        // Arrange
        fake.onRequest = (frame, reply) => reply({ type: 'res', id: frame.id, ok: true, payload: { status: 'accepted' } });
        const client = makeClient();
        await client.connect();

        // Act
        const error = await rejectionOf(client.request('agent', {}, { expectFinal: true, timeoutMs: 150 }));

        // Assert
        expect(error.kind).toBe('timeout');
      });
    });

    it('rejects pending requests with kind "closed" and the close code when the socket closes', async () => {
      // Arrange
      fake.onRequest = (_frame, _reply, socket) => socket.close(4000, 'bye');
      const client = makeClient();
      await client.connect();

      // Act
      const error = await rejectionOf(client.request('anything'));

      // Assert
      expect(error.kind).toBe('closed');
      expect(error.info).toMatchObject({ closeCode: 4000, closeReason: 'bye' });
      expect(error.message).toBe('the gateway closed the connection (4000 bye)');
    });
  });

  describe('events', () => {
    const event = (name: string, seq?: number, payload: unknown = { n: seq }): EventFrame => ({
      type: 'event',
      event: name,
      payload,
      ...(seq !== undefined ? { seq } : {}),
    });

    it('emits "gap" when seq jumps, and not for consecutive or unnumbered events', async () => {
      // Arrange
      const client = makeClient();
      await client.connect();
      const gaps: unknown[] = [];
      client.on('gap', (gap) => gaps.push(gap));
      const seen: number[] = [];
      client.onEvent('*', (_payload, frame) => seen.push(frame.seq ?? -1));
      const done = new Promise<void>((resolve) => client.onEvent('last', () => resolve()));

      // Act
      for (const frame of [
        event('tick', 1),
        event('tick', 2),
        event('presence', 5),
        event('note'),
        event('tick', 6),
        event('tick', 9),
        event('last'),
      ]) {
        fake.send(frame);
      }
      await done;

      // Assert
      expect(gaps).toEqual([
        { expected: 3, received: 5 },
        { expected: 7, received: 9 },
      ]);
      expect(seen).toEqual([1, 2, 5, -1, 6, 9, -1]);
    });

    it('takes the first seq of a new connection as its baseline', async () => {
      // Arrange
      const client = makeClient();
      await client.connect();
      const gaps: unknown[] = [];
      client.on('gap', (gap) => gaps.push(gap));
      const firstDone = new Promise<void>((resolve) => client.onEvent('first.done', () => resolve()));
      fake.send(event('tick', 1));
      fake.send(event('tick', 2));
      fake.send(event('first.done'));
      await firstDone;
      await client.stop();

      // Act
      await client.connect();
      const secondDone = new Promise<void>((resolve) => client.onEvent('second.done', () => resolve()));
      fake.send(event('tick', 7));
      fake.send(event('tick', 8));
      fake.send(event('tick', 10));
      fake.send(event('second.done'));
      await secondDone;

      // Assert
      expect(gaps).toEqual([{ expected: 9, received: 10 }]);
    });

    it('calls handlers by name and "*", with payload and frame, until unsubscribed', async () => {
      // Arrange
      const client = makeClient();
      await client.connect();
      const byName: unknown[] = [];
      const all: string[] = [];
      const unsubscribe = client.onEvent('presence', (payload, frame) => byName.push([payload, frame.seq]));
      client.onEvent('*', (_payload, frame) => all.push(frame.event));
      const marks: Array<Promise<void>> = ['m1', 'm2'].map((m) => new Promise((resolve) => client.onEvent(m, () => resolve())));

      // Act
      fake.send(event('presence', 1, { joined: ['a'] }));
      fake.send(event('health', 2));
      fake.send(event('m1'));
      await marks[0];
      unsubscribe();
      fake.send(event('presence', 3, { joined: ['b'] }));
      fake.send(event('m2'));
      await marks[1];

      // Assert
      expect(byName).toEqual([[{ joined: ['a'] }, 1]]);
      expect(all).toEqual(['presence', 'health', 'm1', 'presence', 'm2']);
    });

    it('does not pass connect.challenge to handlers and ignores frames that are not JSON', async () => {
      // Arrange
      const client = makeClient();
      const all: string[] = [];
      client.onEvent('*', (_payload, frame) => all.push(frame.event));
      await client.connect();
      const done = new Promise<void>((resolve) => client.onEvent('after', () => resolve()));

      // Act
      fake.sockets[0].send('this is not json');
      fake.send(event('after'));
      await done;

      // Assert
      expect(all).toEqual(['after']);
      expect(client.isConnected).toBe(true);
    });
  });

  describe('start and stop', () => {
    it('emits connected, then disconnected and reconnects after the server drops the link', async () => {
      // Arrange
      const client = makeClient({ backoff: { initialDelayMs: 20, maxDelayMs: 50 } });
      const first = waitFor(client, 'connected');
      client.start();
      await first;

      // Act
      const disconnected = waitFor<{ code: number; reason: string }>(client, 'disconnected');
      const reconnecting = waitFor<{ attempt: number; delayMs: number }>(client, 'reconnecting');
      const second = waitFor(client, 'connected');
      fake.sockets[0].close(4001, 'go away');

      // Assert
      expect(await disconnected).toEqual({ code: 4001, reason: 'go away' });
      const retry = await reconnecting;
      expect(retry.attempt).toBe(1);
      expect(retry.delayMs).toBeGreaterThanOrEqual(10);
      expect(retry.delayMs).toBeLessThanOrEqual(20);
      await second;
      expect(fake.connects).toHaveLength(2);
    });

    it('waits the longest backoff when another connection took its node id', async () => {
      // Arrange
      const client = makeClient({ backoff: { initialDelayMs: 20, maxDelayMs: 4_000 } });
      const first = waitFor(client, 'connected');
      client.start();
      await first;

      // Act
      const reconnecting = waitFor<{ attempt: number; delayMs: number; identityConflict?: boolean }>(client, 'reconnecting');
      fake.sockets[0].close(1008, NodeCloseReason.Replaced);

      // Assert: half the maximum is fixed, half random.
      const retry = await reconnecting;
      expect(retry.identityConflict).toBe(true);
      expect(retry.delayMs).toBeGreaterThanOrEqual(2_000);
      await client.stop();
    });

    it('does not start a second loop when started twice', async () => {
      // Arrange
      const client = makeClient();
      const connected = waitFor(client, 'connected');

      // Act
      client.start();
      client.start();
      await connected;
      await new Promise((resolve) => setTimeout(resolve, 100));

      // Assert
      expect(fake.connects).toHaveLength(1);
    });

    it('stops retrying after stop() while waiting out the backoff', async () => {
      // Arrange
      fake.server.removeAllListeners('connection');
      let connections = 0;
      fake.server.on('connection', (socket) => {
        connections++;
        socket.close(1011, 'busy');
      });
      const client = makeClient({ backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
      const errors: GatewayClientError[] = [];
      client.on('error', (error) => errors.push(error));
      const reconnecting = waitFor(client, 'reconnecting');
      client.start();
      await reconnecting;

      // Act
      const started = Date.now();
      await client.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));

      // Assert
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(errors.map((e) => e.kind)).toEqual(['closed']);
      expect(connections).toBe(1);
    });
  });
});
