import type { Connection } from '../connection/connection';

/** What a handler learns about its caller. */
export interface RpcContext {
  connection: Connection;
  /**
   * Sends an early `ok` response with this request's id at once, before the
   * handler's final answer (the `agent` method's `{status:"accepted"}` ack,
   * PROTOCOL.md "Frames"). At most one ack per request; an ack after the
   * final answer was produced is ignored. The final answer still comes from
   * the handler's return value or error, exactly once.
   */
  ack(payload: unknown): void;
}

/** What the dispatcher needs to know about the caller; it adds the rest of RpcContext per request. */
export type RpcCaller = Pick<RpcContext, 'connection'>;
