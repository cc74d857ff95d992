import { Logger, type INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { holdWritesThisTurn } from '../connection/held-writes';
import { checkUpgrade, UpgradePolicy } from './upgrade-policy';

export interface GatewayWsAdapterOptions {
  maxPayload: number;
  upgradePolicy: UpgradePolicy;
}

/**
 * The ws adapter with the gateway's connection-level rules: frame size,
 * upgrade checks.
 */
export class GatewayWsAdapter extends WsAdapter {
  private readonly upgradeLogger = new Logger('Gateway');

  constructor(
    app: INestApplicationContext,
    private readonly gatewayOptions: GatewayWsAdapterOptions,
  ) {
    super(app);
  }

  /**
   * GatewaySocket reads frames from the ws socket itself. Nest's binding
   * would build an rxjs chain per connection (about 12 KB) and pass every
   * frame through pipes and guards on microtasks; the bench showed routing
   * frames directly roughly doubles throughput and cuts round-trip latency.
   */
  override bindMessageHandlers(): void {}

  /**
   * Nest logs every client socket error at ERROR with a stack, yet they are
   * the client's protocol mistakes (a frame over maxPayload, bad UTF-8) that
   * ws already answers with a close code. GatewaySocket logs them as one WARN
   * line and counts them toward the auth limiter; the listener here only makes
   * sure one exists from the first moment, since an unheard 'error' event
   * would throw. Errors of the server itself stay at ERROR.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket) => socket.on('error', () => undefined));
    server.on('error', (error) => this.logger.error(error));
    return server;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- WsAdapter.create is declared to return any
  override create(port: number, options: Record<string, unknown> = {}): any {
    const policy = this.gatewayOptions.upgradePolicy;
    return super.create(port, {
      ...options,
      maxPayload: this.gatewayOptions.maxPayload,
      // Compression would let a small frame inflate past maxPayload's intent and costs CPU per frame.
      perMessageDeflate: false,
      verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) => {
        const verdict = checkUpgrade(info.req, policy);
        if (verdict.ok) {
          // The 101 answer and the connect.challenge GatewaySocket sends right after it leave in one write.
          holdWritesThisTurn(info.req.socket);
          return done(true);
        }
        this.upgradeLogger.warn(`refused upgrade from ${info.req.socket.remoteAddress ?? 'unknown'}: ${verdict.message}`);
        done(false, verdict.status, verdict.message);
      },
    });
  }
}
