import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, WebSocketGateway } from '@nestjs/websockets';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { Clock } from '../../common/clock';
import { IdSource } from '../../common/ids';
import { headerValue, isLocalRequest, resolveClientAddress, UpgradeRequestInfo } from '../../common/net';
import {
  CloseCode,
  ErrorCode,
  FrameBudget,
  GatewayEvent,
  MAX_FRAME_DEPTH,
  parseInboundFrame,
  RequestFrame,
  ResponseFrame,
} from '../../common/protocol';
import { AuthRateLimiter } from '../auth/auth-rate-limiter';
import { readTailscaleClaim } from '../auth/tailscale-identity';
import { Connection } from './connection/connection';
import { ConnectionRegistry } from './connection/connection-registry';
import { HandshakeService } from './connection/handshake.service';
import { GatewayLifecycle } from '../config/gateway-lifecycle';
import { GatewayRuntime } from '../config/gateway-runtime';
import { RpcDispatcher } from './rpc/rpc-dispatcher';
import { toErrorShape } from './rpc/wire-errors';
import { holdWritesThisTurn } from './connection/held-writes';

const SHUTDOWN_GRACE_MS = 1_000;
/** Frames a client may send before hello-ok while its connect is still being checked; real clients send none. */
const MAX_FRAMES_HELD_DURING_HANDSHAKE = 16;
const CONNECTION = Symbol('nestclaw.connection');
type TaggedSocket = WebSocket & { [CONNECTION]?: Connection };

/** The WebSocket endpoint: connection lifecycle, handshake, then dispatch of every frame. */
@WebSocketGateway()
export class GatewaySocket implements OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger('Gateway');
  /** Connections still in the handshake, with their timeout. */
  private readonly handshakeTimers = new Map<Connection, NodeJS.Timeout>();
  /** Frames that arrived while a connect awaited its checks, replayed in order once it is decided. */
  private readonly heldFrames = new Map<Connection, Array<[RawData, boolean]>>();
  private shuttingDown = false;
  private readonly frameBudget: FrameBudget;

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly registry: ConnectionRegistry,
    private readonly handshake: HandshakeService,
    private readonly dispatcher: RpcDispatcher,
    private readonly rateLimiter: AuthRateLimiter,
    private readonly lifecycle: GatewayLifecycle,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {
    this.frameBudget = { maxBytes: runtime.limits.maxPayload, maxDepth: MAX_FRAME_DEPTH };
  }

  handleConnection(socket: TaggedSocket, request: IncomingMessage): void {
    const upgrade: UpgradeRequestInfo = { peerAddress: request.socket.remoteAddress, headers: request.headers };
    const trusted = this.runtime.config.gateway.trustedProxies;
    const connection = new Connection(
      this.ids.next(),
      socket,
      {
        clientAddress: resolveClientAddress(upgrade, trusted),
        isLocal: isLocalRequest(upgrade, trusted),
        host: headerValue(request.headers.host),
        userAgent: headerValue(request.headers['user-agent']),
        tailscale: readTailscaleClaim(upgrade),
      },
      // 122 random bits, as the reference's nonce; randomUUID draws from a cached pool instead of a fresh syscall-backed buffer.
      randomUUID(),
      this.runtime.limits.maxBufferedBytes,
      this.runtime.limits.slowConsumerGraceMs,
    );
    socket[CONNECTION] = connection;
    const transport = request.socket;
    connection.transport = transport;
    socket.on('message', (data, isBinary) => {
      holdWritesThisTurn(transport);
      this.onFrame(connection, data, isBinary);
    });
    socket.on('error', (error) => this.onSocketError(connection, error));
    if (this.shuttingDown) {
      connection.close(CloseCode.ServiceRestart, 'gateway shutting down');
      return;
    }
    const timer = setTimeout(() => {
      if (!connection.session) connection.close(CloseCode.Policy, 'handshake timeout');
    }, this.runtime.limits.handshakeTimeoutMs);
    this.handshakeTimers.set(connection, timer);
    connection.sendEventJson(GatewayEvent.ConnectChallenge, this.challengeJson(connection.nonce));
  }

  /**
   * The challenge's payload, written out: the same text JSON.stringify would
   * give, without building and walking an object on every connection.
   * Protocol 4 clients read `capabilities`; nestclaw offers none of the
   * reference's optional ones. `gatewayId` is additive (docs/protocol.md):
   * clients bind stored device tokens to it.
   */
  private challengeJson(nonce: string): string {
    const { gatewayId } = this.runtime;
    const tail = gatewayId !== undefined ? `,"gatewayId":${JSON.stringify(gatewayId)}` : '';
    return `{"nonce":${JSON.stringify(nonce)},"ts":${this.clock.now()},"capabilities":[]${tail}}`;
  }

  handleDisconnect(socket: TaggedSocket): void {
    const connection = socket[CONNECTION];
    if (!connection) return;
    connection.markClosed();
    this.heldFrames.delete(connection);
    this.leavePending(connection);
    this.registry.remove(connection, 'disconnect');
  }

  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    if (!connection.isOpen) return;
    const held = this.heldFrames.get(connection);
    if (held) {
      // Count and bytes both: sixteen frames of maxPayload each would be 8 MiB held for a client not yet admitted.
      const heldBytes = held.reduce((sum, [frame]) => sum + rawByteLength(frame), rawByteLength(data));
      if (held.length >= MAX_FRAMES_HELD_DURING_HANDSHAKE || heldBytes > this.frameBudget.maxBytes) {
        connection.close(CloseCode.Policy, 'too many frames before hello-ok');
      } else {
        held.push([data, isBinary]);
      }
      return;
    }
    if (isBinary) {
      // A binary frame means the client does not speak this protocol at all.
      connection.close(CloseCode.Policy, 'binary frames not accepted');
      return;
    }
    const parsed = parseInboundFrame(data.toString(), this.frameBudget);
    if (parsed.kind === 'invalid') {
      this.refuseFrame(connection, parsed.id, parsed.reason);
      return;
    }
    if (!connection.session) {
      const frame = parsed.frame;
      this.heldFrames.set(connection, []);
      this.onHandshakeFrame(connection, frame)
        .catch((error: unknown) => {
          // The handshake must answer even when something below it breaks, or the client hangs until its timeout.
          this.logger.error('handshake failed', (error as Error)?.stack ?? String(error));
          connection.sendError(frame.id, toErrorShape(error).shape);
          connection.close(CloseCode.InternalError, 'internal error');
        })
        .then(() => this.releaseHeldFrames(connection))
        .catch((error: unknown) => this.logUnexpected(connection, 'replaying frames held during the handshake', error));
      return;
    }
    if (parsed.frame.method === 'connect') {
      connection.sendError(parsed.frame.id, { code: ErrorCode.InvalidRequest, message: 'already connected' });
      return;
    }
    const response = this.dispatcher.dispatch(parsed.frame, { connection });
    if (response instanceof Promise) {
      const method = parsed.frame.method;
      // The dispatcher does not reject and sendResponse does not throw; this handler keeps it that way for good.
      response.then(
        (answer: ResponseFrame) => connection.sendResponse(answer),
        (error: unknown) => this.logUnexpected(connection, `answering ${method}`, error),
      );
    } else {
      connection.sendResponse(response);
    }
  }

  /**
   * ws reports protocol violations (a frame over maxPayload, bad UTF-8, a
   * bad opcode) here and closes the socket itself with the matching code.
   * They are the client's mistake: one line at WARN, no stack, and before
   * hello-ok they count as a failed login.
   */
  private onSocketError(connection: Connection, error: Error): void {
    connection.markClosed();
    const code = (error as NodeJS.ErrnoException).code ?? error.name;
    this.logger.warn(`closed ${connection.connId} from ${connection.origin.clientAddress}: ${code}: ${error.message}`);
    if (!connection.session) this.rateLimiter.recordFailure(this.handshake.bucketOf(connection));
  }

  private logUnexpected(connection: Connection, what: string, error: unknown): void {
    this.logger.error(`${what} for ${connection.connId} failed`, (error as Error)?.stack ?? String(error));
  }

  /**
   * Sends the shutdown event and closes every socket with 1012, then waits a
   * moment for the close handshakes: the adapter terminates what is left.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    // A restart in place tells clients when to expect the gateway back (the reference's shutdown payload).
    const restart = this.lifecycle.pendingRestart;
    const notice = restart ?? { reason: 'gateway stopping' };
    const closing: Promise<void>[] = [];
    for (const connection of [...this.registry.all(), ...this.handshakeTimers.keys()]) {
      if (!connection.isOpen) continue;
      closing.push(new Promise((resolve) => connection.socket.once('close', () => resolve())));
      connection.sendEvent(GatewayEvent.Shutdown, notice);
      connection.close(CloseCode.ServiceRestart, restart ? 'gateway restarting' : 'gateway stopping');
    }
    await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
  }

  private async onHandshakeFrame(connection: Connection, frame: RequestFrame): Promise<void> {
    const outcome = await this.handshake.connect(frame, connection);
    // Closed (by the client, the handshake timeout or shutdown) while the connect was checked: admit nothing.
    if (!connection.isOpen) return;
    if (!outcome.ok) {
      connection.sendError(frame.id, outcome.error);
      connection.close(outcome.closeCode, outcome.closeReason);
      this.logger.warn(`refused ${connection.origin.clientAddress}: ${outcome.closeReason}`);
      return;
    }
    connection.session = outcome.session;
    this.leavePending(connection);
    this.registry.add(connection);
    connection.sendResponse({
      type: 'res',
      id: frame.id,
      ok: true,
      payload: this.handshake.hello(connection, outcome.deviceAuth),
    });
  }

  private releaseHeldFrames(connection: Connection): void {
    const held = this.heldFrames.get(connection) ?? [];
    this.heldFrames.delete(connection);
    for (const [data, isBinary] of held) this.onFrame(connection, data, isBinary);
  }

  private leavePending(connection: Connection): void {
    clearTimeout(this.handshakeTimers.get(connection));
    this.handshakeTimers.delete(connection);
  }

  /**
   * Malformed frames before the handshake end the connection (PROTOCOL.md)
   * and count as a failed login, so a client cannot probe the parser without
   * limit; afterwards the client gets an error and keeps its socket.
   */
  private refuseFrame(connection: Connection, id: string | undefined, reason: string): void {
    connection.sendError(id, { code: ErrorCode.InvalidRequest, message: `invalid frame: ${reason}` });
    if (connection.session) return;
    this.rateLimiter.recordFailure(this.handshake.bucketOf(connection));
    this.logger.warn(`refused ${connection.origin.clientAddress}: invalid handshake frame: ${reason}`);
    connection.close(CloseCode.Policy, 'invalid handshake');
  }
}

function rawByteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
