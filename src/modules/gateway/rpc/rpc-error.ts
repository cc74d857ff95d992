import { ErrorCode, ErrorShape } from '../../../common/protocol';

export interface RpcErrorOptions {
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

/**
 * The gateway's own wire-level error (handshake, dispatcher, parameter
 * validation): its code and message reach the client unchanged. Modules
 * throw their own DomainError instead, mapped in wire-errors.ts.
 */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: RpcErrorOptions = {},
  ) {
    super(message);
    this.name = 'RpcError';
  }

  toShape(): ErrorShape {
    const shape: ErrorShape = { code: this.code, message: this.message };
    if (this.options.details !== undefined) shape.details = this.options.details;
    if (this.options.retryable !== undefined) shape.retryable = this.options.retryable;
    if (this.options.retryAfterMs !== undefined) shape.retryAfterMs = this.options.retryAfterMs;
    return shape;
  }
}

export const invalidRequest = (message: string, options?: RpcErrorOptions) =>
  new RpcError(ErrorCode.InvalidRequest, message, options);
