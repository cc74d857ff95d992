import { randomUUID } from 'node:crypto';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectParams, RequestFrame } from '../../src/common/protocol';

/** What the node sent in one `connect`, with the nonce of that connection's challenge. */
export interface RecordedConnect {
  params: ConnectParams;
  nonce: string;
  connId: string;
}

/** The params of one `node.invoke.result` call. */
export interface RecordedResult {
  id: string;
  nodeId: string;
  ok: boolean;
  payload?: any;
  payloadJSON?: string;
  error?: { code?: string; message?: string };
}

export interface FakeGatewayOptions {
  /** Short so the client's watchdog (two intervals + 1 s) fires quickly. */
  tickIntervalMs?: number;
  maxPayload?: number;
}

interface Peer {
  socket: WebSocket;
  nonce: string;
  connect?: RecordedConnect;
  silent: boolean;
}

/**
 * A small gateway for the node host's e2e tests, until the real one routes
 * node.invoke: challenge, a minimal hello-ok, ticks, `node.invoke.request`
 * events out and `node.invoke.result` calls recorded. It can refuse with
 * NOT_PAIRED, refuse tokens, issue a device token, restart with 1012 on the
 * same port, and go silent without closing.
 */
export class FakeGateway {
  readonly connects: RecordedConnect[] = [];
  readonly results: RecordedResult[] = [];
  /** When set, every connect is refused with NOT_PAIRED and this request id. */
  pendingPairing?: string;
  /** Announced in connect.challenge when set, as gateways do since issue 12. */
  gatewayId?: string;
  /** Handed out in hello-ok.auth.deviceToken when set. */
  issueDeviceToken?: string;
  /** Tokens refused as revoked device tokens (`details.reason: "device-token-invalid"`, as the real gateway does). */
  readonly refusedTokens = new Set<string>();

  private server?: WebSocketServer;
  private readonly peers = new Set<Peer>();
  private readonly ticker: NodeJS.Timeout;
  private connCount = 0;
  private boundPort = 0;

  private constructor(private readonly options: Required<FakeGatewayOptions>) {
    this.ticker = setInterval(() => this.tick(), options.tickIntervalMs);
  }

  /** `port`: listen on this one (another gateway taking over a port), else any free one. */
  static async start(options: FakeGatewayOptions & { port?: number } = {}): Promise<FakeGateway> {
    const { port, ...rest } = options;
    const fake = new FakeGateway({ tickIntervalMs: 200, maxPayload: 512 * 1024, ...rest });
    fake.boundPort = port ?? 0;
    await fake.listen();
    return fake;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.boundPort}`;
  }

  /** Connections that completed the handshake and are still open. */
  get liveCount(): number {
    return [...this.peers].filter((peer) => peer.connect && peer.socket.readyState === WebSocket.OPEN).length;
  }

  /** Sends `node.invoke.request` to the newest live node and resolves with its result. */
  async invoke(
    command: string,
    params?: unknown,
    options: { timeoutMs?: number; waitMs?: number } = {},
  ): Promise<RecordedResult> {
    const peer = [...this.peers].reverse().find((p) => p.connect && !p.silent && p.socket.readyState === WebSocket.OPEN);
    if (!peer) throw new Error('no node is connected to the fake gateway');
    const id = randomUUID();
    const payload = {
      id,
      nodeId: peer.connect!.params.device?.id ?? peer.connect!.params.client.id,
      command,
      ...(params !== undefined ? { paramsJSON: JSON.stringify(params) } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      idempotencyKey: randomUUID(),
    };
    peer.socket.send(JSON.stringify({ type: 'event', event: 'node.invoke.request', payload }));
    return until(() => this.results.find((result) => result.id === id), options.waitMs ?? 10_000, `result of ${command}`);
  }

  /** Resolves once `count` connect requests have arrived in total. */
  waitForConnects(count: number, timeoutMs = 10_000): Promise<RecordedConnect> {
    return until(() => this.connects[count - 1], timeoutMs, `connect #${count}`);
  }

  /** Like a gateway restart: shutdown event, close 1012, nothing listening for `downMs`, then back on the same port. */
  async restart(downMs = 300): Promise<void> {
    await this.down();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.listen();
  }

  /** The open connections stop ticking and answering, but stay open (a dead NAT entry, a hung gateway). */
  silence(): void {
    for (const peer of this.peers) peer.silent = true;
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    for (const peer of this.peers) peer.socket.terminate();
    await this.closeServer();
  }

  private async down(): Promise<void> {
    for (const peer of this.peers) {
      if (peer.connect)
        this.send(peer, { type: 'event', event: 'shutdown', payload: { reason: 'restart', restartExpectedMs: 300 } });
      peer.socket.close(1012, 'service restart');
    }
    await this.closeServer();
  }

  private async listen(): Promise<void> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: this.boundPort });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    this.boundPort = (server.address() as { port: number }).port;
    server.on('connection', (socket) => this.onConnection(socket));
    this.server = server;
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // ws leaves accepted sockets open on close(); these are gone or closing already.
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onConnection(socket: WebSocket): void {
    const peer: Peer = { socket, nonce: randomUUID(), silent: false };
    this.peers.add(peer);
    socket.on('close', () => this.peers.delete(peer));
    socket.on('error', () => undefined);
    this.send(peer, {
      type: 'event',
      event: 'connect.challenge',
      payload: { nonce: peer.nonce, ts: Date.now(), ...(this.gatewayId ? { gatewayId: this.gatewayId } : {}) },
    });
    socket.on('message', (data) => {
      if (peer.silent) return;
      let frame: RequestFrame;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!peer.connect) this.onConnect(peer, frame);
      else this.onRequest(peer, frame);
    });
  }

  private onConnect(peer: Peer, frame: RequestFrame): void {
    const params = frame.params as ConnectParams;
    const connId = `fake-conn-${++this.connCount}`;
    this.connects.push({ params, nonce: peer.nonce, connId });
    const refuse = (code: string, message: string, details?: object) => {
      this.send(peer, { type: 'res', id: frame.id, ok: false, error: { code, message, ...(details ? { details } : {}) } });
      peer.socket.close(1008, code === 'NOT_PAIRED' ? 'pairing required' : 'unauthorized');
    };
    if (frame.method !== 'connect') return refuse('INVALID_REQUEST', 'the first request must be "connect"');
    if (this.pendingPairing) return refuse('NOT_PAIRED', 'pairing required', { requestId: this.pendingPairing });
    if (params.auth?.token && this.refusedTokens.has(params.auth.token)) {
      return refuse('INVALID_REQUEST', 'unauthorized: not a current device token', { reason: 'device-token-invalid' });
    }
    peer.connect = this.connects[this.connects.length - 1];
    this.send(peer, {
      type: 'res',
      id: frame.id,
      ok: true,
      payload: {
        type: 'hello-ok',
        protocol: 3,
        server: { version: 'fake', connId },
        features: { methods: ['node.invoke.result'], events: ['tick', 'node.invoke.request'] },
        snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 0 },
        ...(this.issueDeviceToken ? { auth: { deviceToken: this.issueDeviceToken, role: 'node', scopes: [] } } : {}),
        policy: { maxPayload: this.options.maxPayload, maxBufferedBytes: 1_572_864, tickIntervalMs: this.options.tickIntervalMs },
      },
    });
  }

  private onRequest(peer: Peer, frame: RequestFrame): void {
    if (frame.method === 'node.invoke.result') {
      this.results.push(frame.params as RecordedResult);
      this.send(peer, { type: 'res', id: frame.id, ok: true, payload: { ok: true } });
      return;
    }
    this.send(peer, {
      type: 'res',
      id: frame.id,
      ok: false,
      error: { code: 'INVALID_REQUEST', message: `unknown method: ${frame.method}` },
    });
  }

  private tick(): void {
    for (const peer of this.peers) {
      if (peer.connect && !peer.silent) this.send(peer, { type: 'event', event: 'tick', payload: { ts: Date.now() } });
    }
  }

  private send(peer: Peer, frame: object): void {
    if (peer.socket.readyState === WebSocket.OPEN) peer.socket.send(JSON.stringify(frame));
  }
}

/** Polls until `probe` returns something, or fails naming what it waited for. */
export async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
