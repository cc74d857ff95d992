/**
 * The facts a module's error carries besides its code and message. Which
 * wire code it becomes, and whether a client may retry, is decided in one
 * table in the gateway (src/modules/gateway/rpc/wire-errors.ts), so a module
 * says what went wrong without knowing the protocol.
 */
export interface DomainErrorOptions {
  /** Sent to the client as `error.details`: ids and reasons a client can branch on, never a secret or a path. */
  details?: unknown;
  /** How long the client should wait before trying again, when the module knows. */
  retryAfterMs?: number;
}

/**
 * Base of every module's error type (`NodesError`, `PairingError`, …). The
 * message is written for the person who has to fix it: it says what to do,
 * and never holds a secret, a stack, a gateway path or raw upstream text.
 */
export abstract class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
