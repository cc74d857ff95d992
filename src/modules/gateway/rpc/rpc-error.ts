import { ErrorCode, ErrorShape } from '../../../common/protocol';

export interface RpcErrorOptions {
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** The one exception type whose code and message reach the client unchanged. */
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

export const unavailable = (message: string, options?: RpcErrorOptions) => new RpcError(ErrorCode.Unavailable, message, options);

/**
 * Maps anything a handler throws to the wire shape. Unknown errors never leak
 * their message (it may hold paths or upstream text); the caller logs them.
 */
export function toErrorShape(error: unknown): { shape: ErrorShape; unexpected: boolean } {
  if (error instanceof RpcError) return { shape: error.toShape(), unexpected: false };
  return {
    shape: { code: ErrorCode.Unavailable, message: 'internal gateway error; see the gateway log', retryable: true },
    unexpected: true,
  };
}
