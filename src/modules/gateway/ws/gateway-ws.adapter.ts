import type { INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import { checkUpgrade } from './upgrade-policy';

export interface GatewayWsAdapterOptions {
  maxPayload: number;
  allowedOrigins: readonly string[];
}

/** Tags each inbound message so one handler receives every frame, text or binary. */
export const FRAME_MESSAGE = 'frame';

export interface InboundMessage {
  text?: string;
  binary: boolean;
}

/**
 * The ws adapter with the gateway's connection-level rules: frame size,
 * upgrade checks, and every frame handed to the one "frame" handler.
 */
export class GatewayWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly gatewayOptions: GatewayWsAdapterOptions,
  ) {
    super(app);
  }

  /**
   * The stock binding runs each frame through an rxjs chain built per
   * connection (about 12 KB each) and routes by an "event" field our frames do
   * not have. Our one handler sends its own responses, so frames go to it
   * straight from ws; the bench showed this roughly doubles throughput.
   */
  override bindMessageHandlers(
    client: WebSocket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    const handler = handlers.find((candidate) => candidate.message === FRAME_MESSAGE);
    if (!handler) return super.bindMessageHandlers(client, handlers, transform);
    client.on('message', (data: RawData, isBinary: boolean) => {
      const message: InboundMessage = isBinary ? { binary: true } : { text: data.toString(), binary: false };
      void handler.callback(message);
    });
  }

  override create(port: number, options: Record<string, unknown> = {}): any {
    const allowedOrigins = this.gatewayOptions.allowedOrigins;
    return super.create(port, {
      ...options,
      maxPayload: this.gatewayOptions.maxPayload,
      // Compression would let a small frame inflate past maxPayload's intent and costs CPU per frame.
      perMessageDeflate: false,
      verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) => {
        const verdict = checkUpgrade(info.req, allowedOrigins);
        if (verdict.ok) done(true);
        else done(false, verdict.status, verdict.message);
      },
    });
  }
}
