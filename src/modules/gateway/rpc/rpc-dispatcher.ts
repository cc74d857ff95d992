import { Injectable, Logger } from '@nestjs/common';
import type { RequestFrame, ResponseFrame } from '../../../common/protocol';
import { accessDenial } from './access';
import type { RpcContext } from './rpc-context';
import { invalidRequest, toErrorShape } from './rpc-error';
import { RpcRegistry } from './rpc-registry';
import { validateParams } from './validate-params';

/** Runs one request for a connection that finished its handshake. Never throws. */
@Injectable()
export class RpcDispatcher {
  private readonly logger = new Logger('Rpc');

  constructor(private readonly registry: RpcRegistry) {}

  async dispatch(frame: RequestFrame, ctx: RpcContext): Promise<ResponseFrame> {
    try {
      const payload = await this.run(frame, ctx);
      return { type: 'res', id: frame.id, ok: true, payload };
    } catch (error) {
      const { shape, unexpected } = toErrorShape(error);
      if (unexpected) this.logger.error(`${frame.method} failed`, (error as Error)?.stack ?? String(error));
      return { type: 'res', id: frame.id, ok: false, error: shape };
    }
  }

  private run(frame: RequestFrame, ctx: RpcContext): unknown {
    const method = this.registry.get(frame.method);
    if (!method) throw invalidRequest(`unknown method: ${frame.method}`);
    const session = ctx.connection.session;
    if (!session) throw invalidRequest('connect first: the first request must be "connect"');
    const denial = accessDenial(method, session);
    if (denial) throw invalidRequest(denial);
    return method.invoke(validateParams(method.params, frame.params), ctx);
  }
}
