import { Injectable, Logger } from '@nestjs/common';
import type { RequestFrame, ResponseFrame } from '../../../common/protocol';
import { accessDenial } from './access';
import type { RpcCaller, RpcContext } from './rpc-context';
import { invalidRequest } from './rpc-error';
import { toErrorShape } from './wire-errors';
import { RpcRegistry } from './rpc-registry';
import { withoutIgnoredParams } from './reference-params';
import { validateParams } from './validate-params';

/** Runs one request for a connection that finished its handshake. Never throws. */
@Injectable()
export class RpcDispatcher {
  private readonly logger = new Logger('Rpc');

  constructor(private readonly registry: RpcRegistry) {}

  /**
   * Synchronous handlers are answered in the same tick; only a handler that
   * returns a promise costs a microtask round. Most methods are synchronous.
   * A handler may send one early ack (RpcContext.ack) before this final answer.
   */
  dispatch(frame: RequestFrame, caller: RpcCaller): ResponseFrame | Promise<ResponseFrame> {
    const call = new CallState(frame.id, caller);
    let result: unknown;
    try {
      result = this.run(frame, call);
    } catch (error) {
      return call.final(this.failure(frame, error));
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (payload) => call.final(success(frame, payload)),
        (error: unknown) => call.final(this.failure(frame, error)),
      );
    }
    return call.final(success(frame, result));
  }

  private failure(frame: RequestFrame, error: unknown): ResponseFrame {
    const { shape, unexpected } = toErrorShape(error);
    if (unexpected) this.logger.error(`${frame.method} failed`, (error as Error)?.stack ?? String(error));
    return { type: 'res', id: frame.id, ok: false, error: shape };
  }

  private run(frame: RequestFrame, ctx: RpcContext): unknown {
    const method = this.registry.get(frame.method);
    if (!method) throw invalidRequest(`unknown method: ${frame.method}`);
    const session = ctx.connection.session;
    if (!session) throw invalidRequest('connect first: the first request must be "connect"');
    const denial = accessDenial(method, session);
    if (denial) throw invalidRequest(denial);
    return method.invoke(validateParams(method.params, withoutIgnoredParams(method.ignoredParams, frame.params)), ctx);
  }
}

/**
 * One request in flight, and the context its handler gets: whether the ack
 * or the final answer went out. The state is the context itself, so a call
 * costs one object rather than a context and a closure as well.
 */
class CallState implements RpcContext {
  readonly connection: RpcContext['connection'];
  private acked = false;
  private answered = false;

  constructor(
    private readonly id: string,
    caller: RpcCaller,
  ) {
    this.connection = caller.connection;
  }

  ack(payload: unknown): void {
    // The ack must precede the final answer; late or repeated acks would read as a second final.
    if (this.acked || this.answered) return;
    this.acked = true;
    this.connection.sendResponse({ type: 'res', id: this.id, ok: true, payload });
  }

  final(frame: ResponseFrame): ResponseFrame {
    this.answered = true;
    return frame;
  }
}

function success(frame: RequestFrame, payload: unknown): ResponseFrame {
  return { type: 'res', id: frame.id, ok: true, payload };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
