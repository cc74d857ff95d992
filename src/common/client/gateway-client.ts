import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { DeviceIdentity, DeviceTokenOffer, DeviceTokenStore, signDeviceProof } from '../identity';
import { normalizeFingerprint } from '../net/fingerprint';
import {
  ClientInfo,
  ConnectParams,
  deviceTokenRefusalOf,
  EventFrame,
  GatewayEvent,
  GatewayMethod,
  HelloOk,
  isNodeIdentityConflict,
  MAX_PROTOCOL_VERSION,
  MethodParams,
  MethodResult,
  MIN_PROTOCOL_VERSION,
  ResponseFrame,
  Role,
} from '../protocol';
import { backoffDelay, BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import { classifySocketError, GatewayClientError } from './client-errors';
import { pinnedTlsConnection } from './tls-pinning';

export interface GatewayClientOptions {
  url: string;
  token?: string;
  password?: string;
  client: ClientInfo;
  role?: Role;
  scopes?: string[];
  caps?: string[];
  commands?: string[];
  permissions?: Record<string, boolean>;
  /** Signs the handshake with this device key when given. */
  identity?: DeviceIdentity;
  /** Keeps device tokens the gateway issues, and offers them on later connects. */
  deviceTokens?: DeviceTokenStore;
  /**
   * The token or password was given explicitly (on the command line): it is
   * what is sent and judged, so a wrong one fails; no stored device token is
   * offered in its place.
   */
  explicitCredentials?: boolean;
  /** SHA-256 of the gateway's certificate, any common notation; wss:// only. */
  tlsFingerprint?: string;
  connectTimeoutMs?: number;
  /** How long connect() keeps retrying a gateway that answers "gateway starting" (30 s default). */
  startupWaitMs?: number;
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** For two-stage methods (`agent`): skip the `accepted` ack and resolve with the final answer. */
  expectFinal?: boolean;
}

interface PendingRequest {
  resolve(payload: unknown): void;
  reject(error: GatewayClientError): void;
  expectFinal: boolean;
  timer: NodeJS.Timeout;
}

type EventHandler = (payload: unknown, frame: EventFrame) => void;

/** Payload of `device-token-dropped`: why the stored token was forgotten and what the retry offers instead. */
export interface DeviceTokenDropped {
  reason: string;
  retryWith: 'token' | 'password' | 'nothing';
}
/** Params may be left out only for methods whose params are optional. */
export type CallArgs<M extends GatewayMethod> =
  undefined extends MethodParams<M>
    ? [params?: MethodParams<M>, options?: RequestOptions]
    : [params: MethodParams<M>, options?: RequestOptions];

/**
 * The one protocol client used by the CLI, the node host and tests.
 * Lifecycle events: `connected` (HelloOk), `disconnected` ({code, reason}),
 * `reconnecting` ({attempt, delayMs}), `gap` ({expected, received}), `error`,
 * `device-token-dropped` (DeviceTokenDropped).
 */
export class GatewayClient extends EventEmitter {
  hello?: HelloOk;
  private socket?: WebSocket;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly eventHandlers = new Map<string, Set<EventHandler>>();
  private readonly pin?: string;
  private lastSeq?: number;
  private watchdog?: NodeJS.Timeout;
  private running = false;
  private wake?: () => void;
  private challengeWaiter?: (challenge: Challenge) => void;
  /** The stored device token offered on the current connect attempt, and to which gateway. */
  private offered?: { offer: DeviceTokenOffer; gatewayId?: string };

  constructor(private readonly options: GatewayClientOptions) {
    super();
    const url = new URL(options.url);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      throw new GatewayClientError('protocol', `gateway URL must start with ws:// or wss:// (got ${url.protocol}//)`);
    }
    if (options.tlsFingerprint !== undefined) {
      this.pin = normalizeFingerprint(options.tlsFingerprint);
      if (!this.pin) {
        throw new GatewayClientError(
          'protocol',
          'the TLS fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons optional',
        );
      }
      if (url.protocol !== 'wss:') {
        throw new GatewayClientError(
          'protocol',
          'a TLS fingerprint was given for a ws:// URL; use wss:// or drop the fingerprint',
        );
      }
    }
  }

  get url(): string {
    return this.options.url;
  }

  get isConnected(): boolean {
    return this.hello !== undefined && this.socket?.readyState === WebSocket.OPEN;
  }

  /**
   * One connection attempt: open, challenge, connect, hello-ok. A stored
   * device token is tried first; when the gateway refuses it as a device
   * token (revoked, rotated, or the gateway's state was reset: a
   * `details.reason` from DeviceTokenRefusal), it is forgotten, the
   * `device-token-dropped` event says so, and the attempt repeats once with
   * the configured secret.
   */
  async connect(): Promise<HelloOk> {
    // A reference gateway refuses operators while it starts (close 1013); that is worth waiting out.
    const deadline = Date.now() + (this.options.startupWaitMs ?? 30_000);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.connectOnce();
      } catch (error) {
        if (!isGatewayStarting(error) || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** attempt, 2_000)));
      }
    }
  }

  private async connectOnce(): Promise<HelloOk> {
    try {
      return await this.connectWith(true);
    } catch (error) {
      const offered = this.offered;
      const reason = error instanceof GatewayClientError ? deviceTokenRefusalOf(error.info.error?.details) : undefined;
      if (offered === undefined || reason === undefined) throw error;
      if (offered.offer.legacy && offered.gatewayId !== undefined) {
        // Stored before gateways had ids: perhaps another gateway's at this URL; kept, never offered here again.
        this.options.deviceTokens!.markRefused(offered.offer, offered.gatewayId);
      } else {
        this.options.deviceTokens!.forget(offered.offer.key);
      }
      const fallback: DeviceTokenDropped = {
        reason,
        retryWith: this.options.token !== undefined ? 'token' : this.options.password !== undefined ? 'password' : 'nothing',
      };
      this.emit('device-token-dropped', fallback);
      return this.connectWith(false);
    }
  }

  /**
   * The stored device token is chosen only once the challenge has named the
   * gateway: a token goes to the gateway that issued it, whatever answers at
   * this URL today.
   */
  private async connectWith(offerStored: boolean): Promise<HelloOk> {
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const socket = new WebSocket(this.options.url, {
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
      maxPayload: 64 * 1024 * 1024,
      ...(this.pin ? { createConnection: pinnedTlsConnection(this.pin) as never } : {}),
    });
    this.socket = socket;
    this.lastSeq = undefined;
    const challenge = this.awaitChallenge(socket, timeoutMs);
    // Errors are always followed by 'close', which does the cleanup; without a listener ws would throw.
    socket.on('error', () => undefined);
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('close', (code, reason) => this.onClose(socket, code, reason.toString()));
    this.offered = undefined;
    try {
      const received = await challenge;
      const { gatewayId } = received;
      const offer = offerStored ? this.storedDeviceToken(gatewayId) : undefined;
      if (offer) this.offered = { offer, gatewayId };
      const token = offer?.token ?? this.options.token;
      const hello = await this.call('connect', this.connectParams(received, token), { timeoutMs });
      this.onHello(hello, gatewayId);
      return hello;
    } catch (error) {
      socket.terminate();
      throw this.asHandshakeError(error);
    }
  }

  /** Keeps a connection up until stop(): reconnects with capped backoff and jitter. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.runLoop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    clearTimeout(this.watchdog);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.close(1000, 'client stopping');
    const forced = setTimeout(() => socket.terminate(), 2_000);
    await closed;
    clearTimeout(forced);
  }

  /** A method the gateway declares in `GatewayMethods`: params and result are typed by its name. */
  call<M extends GatewayMethod>(method: M, ...[params, options]: CallArgs<M>): Promise<MethodResult<M>> {
    return this.request(method, params, options) as Promise<MethodResult<M>>;
  }

  /** Any method by name, untyped: for `nestclaw gateway call <method>` and methods newer than this client. */
  request(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new GatewayClientError('closed', 'not connected to the gateway'));
    }
    const id = randomUUID();
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new GatewayClientError('timeout', `no answer to "${method}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, expectFinal: options.expectFinal ?? false, timer });
      socket.send(JSON.stringify({ type: 'req', id, method, params }));
    });
  }

  /** Subscribes to a gateway event by name, or '*' for all; returns the unsubscribe function. */
  onEvent(name: string, handler: EventHandler): () => void {
    let handlers = this.eventHandlers.get(name);
    if (!handlers) this.eventHandlers.set(name, (handlers = new Set()));
    handlers.add(handler);
    return () => handlers!.delete(handler);
  }

  private async runLoop(): Promise<void> {
    let attempt = 0;
    while (this.running) {
      // Another connection holds our node id (a host cloned from ours?): taking it back at once would flap for ever.
      let identityConflict: boolean;
      try {
        const hello = await this.connect();
        // Subscribed in the same tick connect() resolved in: no close event can slip in between.
        const closed = new Promise<{ reason: string }>((resolve) => this.once('disconnected', resolve));
        attempt = 0;
        this.emit('connected', hello);
        identityConflict = isNodeIdentityConflict((await closed).reason);
      } catch (error) {
        identityConflict = error instanceof GatewayClientError && isNodeIdentityConflict(error.info.closeReason);
        if (this.listenerCount('error') > 0) this.emit('error', error);
      }
      if (!this.running) break;
      const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
      const delayMs = identityConflict ? backoffDelay(Number.MAX_SAFE_INTEGER, backoff) : backoffDelay(attempt++, backoff);
      this.emit('reconnecting', { attempt, delayMs, ...(identityConflict ? { identityConflict } : {}) });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delayMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private storedDeviceToken(gatewayId: string | undefined): DeviceTokenOffer | undefined {
    if (!this.options.identity || this.options.explicitCredentials) return undefined;
    return this.options.deviceTokens?.offer(this.options.url, this.options.role ?? 'operator', gatewayId);
  }

  private connectParams(challenge: Challenge, token: string | undefined): ConnectParams {
    const role = this.options.role ?? 'operator';
    const scopes = this.options.scopes ?? [];
    const params: ConnectParams = {
      minProtocol: MIN_PROTOCOL_VERSION,
      maxProtocol: MAX_PROTOCOL_VERSION,
      client: this.options.client,
      role,
      scopes,
    };
    if (token !== undefined || this.options.password !== undefined) {
      params.auth = {
        ...(token !== undefined ? { token } : {}),
        ...(this.options.password !== undefined ? { password: this.options.password } : {}),
      };
    }
    if (role === 'node') {
      params.caps = this.options.caps ?? [];
      params.commands = this.options.commands ?? [];
      params.permissions = this.options.permissions ?? {};
    }
    if (this.options.identity) {
      const { client } = this.options;
      params.device = signDeviceProof(
        this.options.identity,
        {
          clientId: client.id,
          clientMode: client.mode,
          role,
          scopes,
          signedAtMs: Date.now(),
          token,
          nonce: challenge.nonce,
          platform: client.platform,
          deviceFamily: client.deviceFamily,
        },
        // Only protocol 4 gateways put capabilities in the challenge, and only they know v3; protocol 3 ones need v2.
        challenge.capabilities ? 'v3' : 'v2',
      );
    }
    return params;
  }

  private awaitChallenge(socket: WebSocket, timeoutMs: number): Promise<Challenge> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new GatewayClientError('timeout', `no gateway challenge within ${timeoutMs} ms: is this a nestclaw gateway?`)),
        timeoutMs,
      );
      const done = (fn: () => void) => {
        clearTimeout(timer);
        fn();
      };
      socket.once('error', (error) => done(() => reject(classifySocketError(error))));
      socket.once('unexpected-response', (_req, res) =>
        done(() =>
          reject(
            new GatewayClientError('upgrade-refused', `the server refused the WebSocket upgrade (HTTP ${res.statusCode})`, {
              httpStatus: res.statusCode,
            }),
          ),
        ),
      );
      socket.once('close', (code, reason) =>
        done(() =>
          reject(
            new GatewayClientError('closed', 'the connection closed before the handshake', {
              closeCode: code,
              closeReason: reason.toString(),
            }),
          ),
        ),
      );
      this.challengeWaiter = (received) => done(() => resolve(received));
    });
  }

  private onHello(hello: HelloOk, gatewayId: string | undefined): void {
    this.hello = hello;
    const role = this.options.role ?? 'operator';
    const offered = this.offered;
    if (offered?.offer.legacy && gatewayId !== undefined) this.options.deviceTokens?.adopt(offered.offer, role, gatewayId);
    if (hello.auth?.deviceToken && this.options.deviceTokens) {
      this.options.deviceTokens.set(this.options.url, role, hello.auth.deviceToken, gatewayId);
    }
    this.armWatchdog();
  }

  /**
   * The gateway ticks every tickIntervalMs; two silent intervals mean the link
   * is dead even if TCP has not noticed, so the socket is dropped and the
   * reconnect loop takes over.
   */
  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    const interval = this.hello?.policy.tickIntervalMs;
    if (!interval) return;
    this.watchdog = setTimeout(() => this.socket?.terminate(), interval * 2 + 1_000);
    this.watchdog.unref();
  }

  private onMessage(text: string): void {
    let frame: ResponseFrame | EventFrame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (this.hello) this.armWatchdog();
    if (frame.type === 'res') this.onResponse(frame);
    else if (frame.type === 'event') this.onEventFrame(frame);
  }

  private onResponse(frame: ResponseFrame): void {
    const pending = this.pending.get(frame.id);
    if (!pending) return;
    const status = (frame.payload as { status?: string } | undefined)?.status;
    if (frame.ok && pending.expectFinal && status === 'accepted') return;
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.ok) pending.resolve(frame.payload);
    else
      pending.reject(new GatewayClientError('gateway-error', frame.error?.message ?? 'request failed', { error: frame.error }));
  }

  private onEventFrame(frame: EventFrame): void {
    if (frame.event === GatewayEvent.ConnectChallenge) {
      this.challengeWaiter?.(challengeOf(frame.payload));
      this.challengeWaiter = undefined;
      return;
    }
    if (frame.seq !== undefined) {
      if (this.lastSeq !== undefined && frame.seq > this.lastSeq + 1) {
        this.emit('gap', { expected: this.lastSeq + 1, received: frame.seq });
      }
      this.lastSeq = frame.seq;
    }
    for (const name of [frame.event, '*']) {
      for (const handler of this.eventHandlers.get(name) ?? []) handler(frame.payload, frame);
    }
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return;
    clearTimeout(this.watchdog);
    const wasConnected = this.hello !== undefined;
    this.hello = undefined;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(
        new GatewayClientError('closed', `the gateway closed the connection (${code}${reason ? ` ${reason}` : ''})`, {
          closeCode: code,
          closeReason: reason,
        }),
      );
      this.pending.delete(id);
    }
    if (wasConnected) this.emit('disconnected', { code, reason });
  }

  private asHandshakeError(error: unknown): GatewayClientError {
    if (!(error instanceof GatewayClientError)) return classifySocketError(error as Error);
    if (error.kind === 'gateway-error') return new GatewayClientError('handshake-refused', error.message, error.info);
    return error;
  }
}

/** What the client uses of a connect.challenge payload. */
interface Challenge {
  nonce: string;
  /** Present (maybe empty) only from protocol 4 gateways. */
  capabilities?: string[];
  /** The gateway's stable id (docs/protocol.md); absent from gateways that do not announce one. */
  gatewayId?: string;
}

/** The id keys this device's stored tokens: only a short plain one is taken, whatever a peer sends. */
const GATEWAY_ID = /^[A-Za-z0-9_-]{8,128}$/;

function challengeOf(payload: unknown): Challenge {
  const { nonce, capabilities, gatewayId } = (payload ?? {}) as { nonce?: unknown; capabilities?: unknown; gatewayId?: unknown };
  return {
    nonce: typeof nonce === 'string' ? nonce : '',
    ...(Array.isArray(capabilities) ? { capabilities: capabilities.filter((c): c is string => typeof c === 'string') } : {}),
    ...(typeof gatewayId === 'string' && GATEWAY_ID.test(gatewayId) ? { gatewayId } : {}),
  };
}

/** A reference gateway still starting: an UNAVAILABLE "gateway starting" answer, or close 1013. */
function isGatewayStarting(error: unknown): boolean {
  if (!(error instanceof GatewayClientError)) return false;
  const { error: shape, closeCode } = error.info;
  return closeCode === GATEWAY_STARTING_CLOSE_CODE || (shape?.code === 'UNAVAILABLE' && /gateway starting/i.test(shape.message));
}

/** "Try again later": what a reference gateway closes with while it starts. */
const GATEWAY_STARTING_CLOSE_CODE = 1013;
