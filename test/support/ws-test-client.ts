import { createHash, randomUUID } from 'node:crypto';
import { TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import type { ConnectParams, EventFrame, ResponseFrame } from '../../src/common/protocol';

export interface OpenOptions {
  headers?: Record<string, string>;
  /** Waits for connect.challenge before resolving (default true). */
  awaitChallenge?: boolean;
  /** For wss://: false accepts the gateway's self-signed certificate (default true, as in ws). */
  rejectUnauthorized?: boolean;
  /** The client socket's own address, e.g. another 127.x.y.z alias of loopback. */
  localAddress?: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

const DEFAULT_WAIT_MS = 5_000;

/** A small protocol client for tests: raw frames in, awaited responses and events out. */
export class WsTestClient {
  readonly events: EventFrame[] = [];
  readonly closed: Promise<CloseInfo>;
  challengeNonce?: string;
  /** With wss://, SHA-256 (64 lowercase hex) of the certificate the server presented. */
  peerCertificateSha256?: string;
  private readonly waiters = new Map<string, (frame: ResponseFrame) => void>();
  private readonly eventWaiters: Array<{ name: string; resolve: (e: EventFrame) => void }> = [];
  private readonly responses: ResponseFrame[] = [];

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.once('upgrade', (res) => {
      if (!(res.socket instanceof TLSSocket)) return;
      this.peerCertificateSha256 = createHash('sha256').update(res.socket.getPeerCertificate().raw).digest('hex');
    });
  }

  static async open(url: string, options: OpenOptions = {}): Promise<WsTestClient> {
    const socket = new WebSocket(url, {
      headers: options.headers,
      rejectUnauthorized: options.rejectUnauthorized,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const client = new WsTestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
    if (options.awaitChallenge !== false) {
      const challenge = await client.nextEvent('connect.challenge');
      client.challengeNonce = (challenge.payload as { nonce: string }).nonce;
    }
    return client;
  }

  /** Opens and completes the handshake; throws if the gateway refuses. */
  static async connected(url: string, params: Partial<ConnectParams> = {}, options?: OpenOptions): Promise<WsTestClient> {
    const client = await WsTestClient.open(url, options);
    const res = await client.connect(params);
    if (!res.ok) throw new Error(`connect refused: ${JSON.stringify(res.error)}`);
    return client;
  }

  connect(params: Partial<ConnectParams> = {}): Promise<ResponseFrame> {
    return this.request('connect', { ...baseConnectParams(), ...params });
  }

  request(method: string, params?: unknown, timeoutMs = DEFAULT_WAIT_MS): Promise<ResponseFrame> {
    const id = randomUUID();
    const answer = this.awaitResponse(id, timeoutMs);
    this.sendJson({ type: 'req', id, method, params });
    return answer;
  }

  awaitResponse(id: string, timeoutMs = DEFAULT_WAIT_MS): Promise<ResponseFrame> {
    const seen = this.responses.find((r) => r.id === id);
    if (seen) return Promise.resolve(seen);
    return withTimeout(new Promise((resolve) => this.waiters.set(id, resolve)), timeoutMs, `response ${id}`);
  }

  nextEvent(name: string, timeoutMs = DEFAULT_WAIT_MS): Promise<EventFrame> {
    const seen = this.events.findIndex((e) => e.event === name);
    if (seen !== -1) return Promise.resolve(this.events.splice(seen, 1)[0]);
    return withTimeout(new Promise((resolve) => this.eventWaiters.push({ name, resolve })), timeoutMs, `event ${name}`);
  }

  /** The first `name` event that `matches`; earlier ones of that name are consumed on the way. */
  async nextEventWhere(name: string, matches: (event: EventFrame) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<EventFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = await this.nextEvent(name, Math.max(1, deadline - Date.now()));
      if (matches(event)) return event;
    }
  }

  sendJson(value: unknown): void {
    this.socket.send(JSON.stringify(value));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  waitClosed(timeoutMs = DEFAULT_WAIT_MS): Promise<CloseInfo> {
    return withTimeout(this.closed, timeoutMs, 'close');
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closed;
  }

  private onMessage(text: string): void {
    const frame = JSON.parse(text);
    if (frame.type === 'res') {
      const waiter = this.waiters.get(frame.id);
      if (waiter) {
        this.waiters.delete(frame.id);
        waiter(frame);
      } else {
        this.responses.push(frame);
      }
      return;
    }
    const index = this.eventWaiters.findIndex((w) => w.name === frame.event);
    if (index !== -1) this.eventWaiters.splice(index, 1)[0].resolve(frame);
    else this.events.push(frame);
  }
}

export function baseConnectParams(): ConnectParams {
  return {
    minProtocol: 3,
    maxProtocol: 3,
    client: { id: 'test-cli', version: '0.0.1', platform: 'linux', mode: 'cli' },
  };
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}
