import { Allow, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from '../../../common/validation/class-validator';
import { DEFAULT_INVOKE_TIMEOUT_MS, MAX_INVOKE_TIMEOUT_MS } from '../nodes.types';

export { DEFAULT_INVOKE_TIMEOUT_MS, MAX_INVOKE_TIMEOUT_MS };

export class InvokeNodeParams {
  /** A node id, or a display name (exact, case-insensitive). */
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
  @IsString() @MinLength(1) @MaxLength(128) command: string;
  /** Any JSON value; the node receives it as `paramsJSON`. */
  @Allow() params?: unknown;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_INVOKE_TIMEOUT_MS) timeoutMs?: number;
  @IsString() @MinLength(1) @MaxLength(256) idempotencyKey: string;
}
