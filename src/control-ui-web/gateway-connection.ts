import type { ErrorShape, GatewayEvents, GatewayMethod, HelloOk, MethodParams, MethodResult } from '../common/protocol/index.js';
import { browserDeviceName } from './browser-name.js';
import { BrowserIdentity, deviceAuthPayload } from './device-identity.js';

export type { ErrorShape, HelloOk };

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'pairing' | 'auth-failed';

export interface Credentials {
  kind: 'token' | 'password';
  secret: string;
}

/** What the page can listen to: the gateway's events and the connection's own. */
export interface ConnectionEvents extends GatewayEvents {
  state: StateChange;
  hello: HelloOk;
  disconnected: { code: number; reason: string };
}

/** Params may be left out only for methods whose params are optional; then an optional timeout. */
type RequestArgs<M extends GatewayMethod> =
  undefined extends MethodParams<M>
    ? [params?: MethodParams<M>, timeoutMs?: number]
    : [params: MethodParams<M>, timeoutMs?: number];

export interface StateChange {
  state: ConnectionState;
  /** What the person should read: why it is not connected, and what to do. */
  detail?: string;
}

export class RpcFailure extends Error {
  constructor(readonly error: ErrorShape) {
    super(error.message);
  }
}

/** One of the protocol's standard ids (both reference releases list it). */
export const CLIENT_ID = 'webchat-ui';
export const CLIENT_MODE = 'ui';
const UI_VERSION = '0.1.0';
const ROLE = 'operator';
const SCOPES = ['operator.admin'];
const REQUEST_TIMEOUT_MS = 30_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;
/** While a pairing request waits for the owner, ask again at this slow pace (it reuses the same request). */
const PAIRING_RETRY_MS = 10_000;

type Listener = (payload: unknown) => void;

/**
 * The page's one connection to the gateway: handshake (optionally signed with
 * the browser's device identity), requests, events, and reconnecting.
 *
 * Retry rules, so a wrong secret never becomes a retry storm: a refused
 * connect (bad token, rate limit, bad device) stops all reconnecting until
 * start() is called again from the form; network failures and dropped links
 * back off exponentially (1 s … 30 s, with jitter); a pending pairing asks
 * again every 10 s.
 */
export class GatewayConnection {
  state: ConnectionState = 'idle';
  hello?: HelloOk;
  private credentials?: Credentials;
  private socket?: WebSocket;
  /** Bumped whenever a socket is abandoned, so its late callbacks are ignored. */
  private generation = 0;
  private failures = 0;
  private retryTimer?: number;
  private watchdog?: number;
  private lastFrameAt = 0;
  private nextId = 0;
  private readonly instanceId = crypto.getRandomValues(new Uint32Array(2)).join('-');
  private readonly pending = new Map<
    string,
    { resolve: (payload: unknown) => void; reject: (error: Error) => void; timer: number }
  >();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    private readonly url: string,
    /** undefined when the page runs without a device identity (allowInsecureAuth over plain http). */
    private readonly identity: () => Promise<BrowserIdentity | undefined>,
  ) {}

  start(credentials: Credentials): void {
    this.credentials = credentials;
    this.failures = 0;
    this.clearRetry();
    this.open();
  }

  stop(): void {
    this.credentials = undefined;
    this.clearRetry();
    this.abandonSocket();
    this.setState({ state: 'idle', detail: 'disconnected' });
  }

  on<E extends keyof ConnectionEvents>(event: E, listener: (payload: ConnectionEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const untyped = listener as Listener;
    set.add(untyped);
    return () => set!.delete(untyped);
  }

  hasMethod(method: string): boolean {
    return this.hello?.features.methods.includes(method) ?? false;
  }

  request<M extends GatewayMethod>(method: M, ...[params, timeoutMs]: RequestArgs<M>): Promise<MethodResult<M>> {
    const socket = this.socket;
    if (this.state !== 'connected' || !socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('not connected to the gateway'));
    }
    return this.send(socket, method, params, timeoutMs ?? REQUEST_TIMEOUT_MS);
  }

  private send<M extends GatewayMethod>(
    socket: WebSocket,
    method: M,
    params: unknown,
    timeoutMs: number,
  ): Promise<MethodResult<M>> {
    const id = `ui-${++this.nextId}`;
    return new Promise<MethodResult<M>>((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (payload: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ type: 'req', id, method, ...(params === undefined ? {} : { params }) }));
    });
  }

  private open(): void {
    this.abandonSocket();
    const generation = this.generation;
    this.setState({ state: this.failures === 0 ? 'connecting' : 'reconnecting', detail: 'connecting…' });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.scheduleRetry(`cannot open ${this.url}: ${(error as Error).message}`);
      return;
    }
    this.socket = socket;
    let refused = false;
    socket.onmessage = (message) => {
      if (generation !== this.generation) return;
      this.lastFrameAt = Date.now();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a peer's frame, checked field by field below
      let frame: any;
      try {
        frame = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (frame.type === 'event' && frame.event === 'connect.challenge' && !this.hello) {
        this.handshake(socket, generation, String(frame.payload?.nonce ?? '')).then(
          (outcome) => (refused = outcome === 'refused'),
          () => undefined,
        );
      } else if (frame.type === 'res') {
        this.settle(frame);
      } else if (frame.type === 'event') {
        this.emit(frame.event, frame.payload);
      }
    };
    socket.onclose = (event) => {
      if (generation !== this.generation) return;
      this.onClosed(refused, event.code, event.reason);
    };
  }

  private async handshake(socket: WebSocket, generation: number, nonce: string): Promise<'ok' | 'refused' | 'stale'> {
    const credentials = this.credentials;
    if (!credentials) return 'stale';
    const auth = credentials.kind === 'token' ? { token: credentials.secret } : { password: credentials.secret };
    const identity = await this.identity();
    const signedAt = Date.now();
    const device = identity
      ? {
          id: identity.deviceId,
          publicKey: identity.publicKey,
          signedAt,
          nonce,
          signature: await identity.sign(
            deviceAuthPayload({
              deviceId: identity.deviceId,
              clientId: CLIENT_ID,
              clientMode: CLIENT_MODE,
              role: ROLE,
              scopes: SCOPES,
              signedAtMs: signedAt,
              token: credentials.kind === 'token' ? credentials.secret : '',
              nonce,
            }),
          ),
        }
      : undefined;
    if (generation !== this.generation) return 'stale';
    const params = {
      minProtocol: 3,
      maxProtocol: 3,
      client: {
        id: CLIENT_ID,
        version: UI_VERSION,
        platform: navigator.platform || 'web',
        mode: CLIENT_MODE,
        // Each browser profile is its own device: name it so the owner knows which one asks to pair.
        displayName: `Control UI (${browserDeviceName(navigator.userAgent, navigator.platform)})`,
        instanceId: this.instanceId,
      },
      role: ROLE,
      scopes: SCOPES,
      auth,
      ...(device ? { device } : {}),
      locale: navigator.language,
      userAgent: navigator.userAgent.slice(0, 1024),
    };
    try {
      const hello = await this.send(socket, 'connect', params, REQUEST_TIMEOUT_MS);
      if (generation !== this.generation) return 'stale';
      this.hello = hello;
      this.failures = 0;
      this.startWatchdog(hello.policy?.tickIntervalMs ?? 30_000);
      this.setState({ state: 'connected', detail: `connected to ${hello.server.host ?? 'gateway'} (${hello.server.version})` });
      this.emit('hello', hello);
      return 'ok';
    } catch (error) {
      if (generation !== this.generation || !(error instanceof RpcFailure)) return 'stale';
      this.refuse(error.error);
      return 'refused';
    }
  }

  /** A connect the gateway answered with an error: never retried automatically, except a pending pairing. */
  private refuse(error: ErrorShape): void {
    const details = (error.details ?? {}) as { requestId?: string };
    if (error.code === 'NOT_PAIRED' && details.requestId) {
      this.setState({
        state: 'pairing',
        detail:
          `This browser is a new device and waits for approval (request ${details.requestId}). ` +
          `Approve it on the gateway host with \`nestclaw devices approve ${details.requestId}\` or from another Control UI; ` +
          `this page asks again every ${PAIRING_RETRY_MS / 1000} s.`,
      });
      this.clearRetry();
      this.retryTimer = window.setTimeout(() => this.open(), PAIRING_RETRY_MS);
      return;
    }
    const wait = error.retryAfterMs ? ` Try again in ${Math.ceil(error.retryAfterMs / 1000)} s.` : '';
    this.setState({
      state: 'auth-failed',
      detail: `The gateway refused the connection: ${error.message}.${wait}${hintFor(error.message)}`,
    });
  }

  private onClosed(refused: boolean, code: number, reason: string): void {
    const wasConnected = this.hello !== undefined;
    this.abandonSocket();
    if (wasConnected) this.emit('disconnected', { code, reason });
    if (!this.credentials || refused || this.state === 'auth-failed' || this.state === 'pairing') return;
    this.scheduleRetry(
      wasConnected
        ? `connection lost (${code}${reason ? ` ${reason}` : ''})`
        : `cannot reach the gateway at ${this.url} (${code}${reason ? ` ${reason}` : ''})`,
    );
  }

  private scheduleRetry(why: string): void {
    this.clearRetry();
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.failures += 1;
    this.setState({ state: 'reconnecting', detail: `${why}; retrying in ${Math.ceil(delay / 1000)} s` });
    this.retryTimer = window.setTimeout(() => this.open(), delay);
  }

  /** A link that stopped delivering even ticks is dead; drop it rather than wait for TCP to notice. */
  private startWatchdog(tickIntervalMs: number): void {
    window.clearInterval(this.watchdog);
    const limit = Math.max(5_000, tickIntervalMs * 2.5);
    this.watchdog = window.setInterval(
      () => {
        if (this.state === 'connected' && Date.now() - this.lastFrameAt > limit)
          this.onClosed(false, 4000, 'no tick from the gateway');
      },
      Math.min(limit, 10_000),
    );
  }

  private abandonSocket(): void {
    this.generation += 1;
    window.clearInterval(this.watchdog);
    const socket = this.socket;
    this.socket = undefined;
    this.hello = undefined;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'closed by the page');
    for (const [id, waiter] of this.pending) {
      window.clearTimeout(waiter.timer);
      waiter.reject(new Error('connection to the gateway closed'));
      this.pending.delete(id);
    }
  }

  private clearRetry(): void {
    window.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private settle(frame: { id: string; ok: boolean; payload?: unknown; error?: ErrorShape }): void {
    const waiter = this.pending.get(frame.id);
    if (!waiter) return;
    this.pending.delete(frame.id);
    window.clearTimeout(waiter.timer);
    if (frame.ok) waiter.resolve(frame.payload);
    else waiter.reject(new RpcFailure(frame.error ?? { code: 'UNAVAILABLE', message: 'request failed' }));
  }

  private setState(change: StateChange): void {
    this.state = change.state;
    this.emit('state', change);
  }

  private emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`listener for ${event} failed`, error);
      }
    }
  }
}

/** The gateway's messages name the CLI's settings; say what a person at the browser should check instead. */
function hintFor(message: string): string {
  if (/token mismatch/.test(message)) {
    return ' Check the token: it is gateway.auth.token in the gateway config, $NESTCLAW_GATEWAY_TOKEN, or the generated <stateDir>/gateway.token on the gateway host.';
  }
  if (/password mismatch/.test(message))
    return ' Check the password: it is gateway.auth.password (or $NESTCLAW_GATEWAY_PASSWORD) on the gateway host.';
  return '';
}
