import type { Connection } from '../connection/connection';

/** What a handler learns about its caller. */
export interface RpcContext {
  connection: Connection;
}
