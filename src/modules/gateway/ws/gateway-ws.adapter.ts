import type { INestApplicationContext } from '@nestjs/common';
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
 * upgrade checks, and a parser that hands every frame to one handler.
 */
export class GatewayWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly gatewayOptions: GatewayWsAdapterOptions,
  ) {
    super(app, {
      // ws hands text frames over as strings and binary frames as Buffers.
      messageParser: (data: unknown) => ({
        event: FRAME_MESSAGE,
        data: typeof data === 'string' ? { text: data, binary: false } : { binary: true },
      }),
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
