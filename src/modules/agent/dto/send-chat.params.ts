import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from '../../../common/validation/class-validator';
import { SESSION_KEY_PATTERN } from '../../sessions/session-keys';
import { MAX_MESSAGE_LENGTH, MAX_RUN_TIMEOUT_MS } from './run-agent.params';

export class SendChatParams {
  @IsString()
  @Matches(SESSION_KEY_PATTERN, { message: '$property must be a session key such as main:webchat:home' })
  sessionKey: string;
  @IsString() @MinLength(1) @MaxLength(MAX_MESSAGE_LENGTH) message: string;
  @IsString() @MinLength(1) @MaxLength(256) idempotencyKey: string;
  @IsOptional() @IsInt() @Min(1) @Max(MAX_RUN_TIMEOUT_MS) timeoutMs?: number;
  /** Accepted for clients of the reference protocol; ignored. */
  @IsOptional() @IsString() @MaxLength(32) thinking?: string;
}
