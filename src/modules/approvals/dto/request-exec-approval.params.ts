import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { MAX_EXEC_APPROVAL_TIMEOUT_MS, MIN_EXEC_APPROVAL_TIMEOUT_MS } from '../../../common/protocol';

/** A node asking whether it may run argv; the answer arrives as this request's response. */
export class RequestExecApprovalParams {
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(256) @IsString({ each: true }) @MaxLength(4_096, { each: true }) argv: string[];
  @IsOptional() @IsString() @MaxLength(4_096) cwd?: string;
  /** The absolute file argv[0] resolves to on the node. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(4_096) resolvedPath?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(256) sessionKey?: string;
  /** How long to wait for an answer; the gateway keeps it within its bounds. */
  @IsOptional() @IsInt() @Min(MIN_EXEC_APPROVAL_TIMEOUT_MS) @Max(10 * 60_000) timeoutMs?: number;
}
