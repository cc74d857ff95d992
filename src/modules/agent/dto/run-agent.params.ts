import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from '../../../common/validation/class-validator';
import { SESSION_KEY_PATTERN } from '../../sessions/session-keys';

export const MAX_MESSAGE_LENGTH = 100_000;
export const MAX_RUN_TIMEOUT_MS = 3_600_000;

/** `agent` (PROTOCOL.md, "Main methods"); `timeout` is in milliseconds. */
export class RunAgentParams {
  @IsString() @MinLength(1) @MaxLength(MAX_MESSAGE_LENGTH) message: string;
  @IsOptional()
  @IsString()
  @Matches(SESSION_KEY_PATTERN, { message: '$property must be a session key such as main:webchat:home' })
  sessionKey?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64) channel?: string;
  // Bottom-up: the string check runs first, so a missing recipient is reported as such.
  @ValidateIf((p: RunAgentParams) => p.to !== undefined || p.deliver === true)
  @MinLength(1)
  @MaxLength(256)
  @IsString({ message: '$property is required when deliver is true (the recipient, e.g. a Telegram chat id)' })
  to?: string;
  @IsOptional() @IsBoolean() deliver?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_RUN_TIMEOUT_MS) timeout?: number;
  @IsString() @MinLength(1) @MaxLength(256) idempotencyKey: string;
  /** Passed on with a delivery; channels with several accounts use it. */
  @IsOptional() @IsString() @MaxLength(128) accountId?: string;
  @IsOptional() @IsString() @MaxLength(10_000) extraSystemPrompt?: string;
  /** Accepted for clients of the reference protocol; nestclaw has no thinking levels or lanes yet. */
  @IsOptional() @IsString() @MaxLength(32) thinking?: string;
  @IsOptional() @IsString() @MaxLength(64) lane?: string;
  @IsOptional() @IsString() @MaxLength(64) label?: string;
}
