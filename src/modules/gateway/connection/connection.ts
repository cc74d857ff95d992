import { Logger } from '@nestjs/common';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import {
  CloseCode,
  ClientInfo,
  DEFAULT_LIMITS,
  ErrorCode,
  ErrorShape,
  knownJsonText,
  ResponseFrame,
  Role,
  serializeJson,
  StateVersion,
} from '../../../common/protocol';
import type { TailscaleClaim } from '../../auth/tailscale-identity';
import { HELD_WRITES_MAX_BYTES, releaseHeldWrites } from './held-writes';

const logger = new Logger('Connection');

/** What the handshake established; absent until hello-ok is sent. */
export interface ConnectionSession {
  /** The negotiated protocol version (3 or 4); absent means 3. */
  protocol?: number;
  role: Role;
  scopes: string[];
  client: ClientInfo;
  deviceId?: string;
  caps: string[];
  commands: string[];
  permissions: Record<string, boolean>;
  connectedAtMs: number;
  /** Set when the connection was admitted on a whois-verified Tailscale Serve identity. */
  tailscaleLogin?: string;
}

export interface ConnectionOrigin {
  clientAddress: string;
  isLocal: boolean;
  host?: string;
  userAgent?: string;
  /** Unverified Tailscale Serve identity headers of a loopback request; the handshake checks them with whois. */
  tailscale?: TailscaleClaim;
}

export interface EventOptions {
  /** Broadcasts carry a per-connection seq so clients can detect gaps. */
  withSeq?: boolean;
  /** A droppable event is skipped for a backed-up client instead of disconnecting it. */
  droppable?: boolean;
  stateVersion?: StateVersion;
}

/**
 * One client socket. Every outbound frame passes through sendText(), which is
 * where the slow-consumer rule lives: the gateway never queues more than
 * maxBufferedBytes for one client. No send method throws: a payload that
 * cannot be serialized (too deep, a cycle) becomes an error answer for a
 * response and a dropped event, so a peer's data can never break the caller.
 */
export class Connection {
  session?: ConnectionSession;
  /** The TCP or TLS socket under the WebSocket, whose writes GatewaySocket holds for a turn (held-writes.ts). */
  transport?: Socket;
  private seq = 0;
  private closed = false;

  constructor(
    readonly connId: string,
    readonly socket: WebSocket,
    readonly origin: ConnectionOrigin,
    readonly nonce: string,
    private readonly maxBufferedBytes: number,
    private readonly slowConsumerGraceMs = DEFAULT_LIMITS.slowConsumerGraceMs,
  ) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  sendResponse(frame: ResponseFrame): void {
    const payloadText = frame.ok && frame.error === undefined ? knownJsonText(frame.payload) : undefined;
    if (payloadText !== undefined) {
      // What JSON.stringify(frame) gives, with the payload's text made once already spliced in.
      this.sendText(`{"type":"res","id":${JSON.stringify(frame.id)},"ok":true,"payload":${payloadText}}`, false);
      return;
    }
    const serialized = serializeJson(frame);
    if (serialized.ok) {
      this.sendText(serialized.text, false);
      return;
    }
    logger.warn(`answer ${frame.id} to ${this.connId} could not be serialized (${serialized.reason}); sent an error instead`);
    const error: ErrorShape = {
      code: ErrorCode.Unavailable,
      message: `the answer could not be serialized (${serialized.reason}); the data it carried is not valid for the protocol`,
    };
    this.sendText(JSON.stringify({ type: 'res', id: frame.id, ok: false, error }), false);
  }

  sendError(id: string | undefined, error: ErrorShape): void {
    if (id === undefined) return;
    this.sendResponse({ type: 'res', id, ok: false, error });
  }

  sendEvent(event: string, payload: unknown, options: EventOptions = {}): void {
    if (payload === undefined) {
      this.sendEventJson(event, undefined, options);
      return;
    }
    const serialized = serializeJson(payload);
    if (serialized.ok) this.sendEventJson(event, serialized.text, options);
    else logger.warn(`event ${event} to ${this.connId} dropped: its payload could not be serialized (${serialized.reason})`);
  }

  /** Takes the payload already serialized so a broadcast stringifies it once, not once per client. */
  sendEventJson(event: string, payloadJson: string | undefined, options: EventOptions = {}): void {
    if (this.closed) return;
    // The seq is spent even when the event is dropped, so the client sees the gap.
    const seq = options.withSeq ? ++this.seq : undefined;
    // Built in EventFrame's field order, with the pre-serialized payload spliced in: what JSON.stringify would give.
    let text = `{"type":"event","event":${JSON.stringify(event)}`;
    if (payloadJson !== undefined) text += `,"payload":${payloadJson}`;
    if (seq !== undefined) text += `,"seq":${seq}`;
    if (options.stateVersion) text += `,"stateVersion":${JSON.stringify(options.stateVersion)}`;
    this.sendText(`${text}}`, options.droppable ?? false);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  /** Marks the connection gone after the socket closed on its own. */
  markClosed(): void {
    this.closed = true;
  }

  private sendText(text: string, droppable: boolean): void {
    if (this.closed) return;
    // Droppable events give up at half the budget so replies still fit in the rest.
    const budget = droppable ? this.maxBufferedBytes / 2 : this.maxBufferedBytes;
    if (this.fits(text, budget) || (this.transport && releaseHeldWrites(this.transport) && this.fits(text, budget))) {
      this.write(text);
      if (this.transport && this.transport.writableLength >= HELD_WRITES_MAX_BYTES) releaseHeldWrites(this.transport);
    } else if (!droppable) {
      this.close(CloseCode.Policy, 'slow consumer');
      // A client that does not read will not read our close frame either; free its buffer.
      setTimeout(() => this.socket.terminate(), this.slowConsumerGraceMs).unref();
    }
  }

  private fits(text: string, budget: number): boolean {
    const buffered = this.socket.bufferedAmount;
    // UTF-8 takes at most three bytes per UTF-16 unit, so the exact count is needed only near the budget.
    return buffered + text.length * 3 <= budget || buffered + Buffer.byteLength(text) <= budget;
  }

  /** ws reports write failures on a dying socket through its close and error events; nothing here may throw at the caller. */
  private write(text: string): void {
    try {
      this.socket.send(text);
    } catch (error) {
      logger.warn(`write to ${this.connId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
