import { IsOptional, IsString, Matches, MaxLength, MinLength } from '../../../common/validation/class-validator';
import { SESSION_KEY_PATTERN } from '../../sessions/session-keys';

export class SendParams {
  /** The chat: for Telegram a chat id (a user's id for a direct chat, negative for groups) or @channelname. */
  @IsString() @MinLength(1) @MaxLength(128) to: string;
  /** Longer than one platform message is fine: it is split on paragraph and line breaks. */
  @IsString() @MinLength(1) @MaxLength(64_000) message: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64) channel?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128) accountId?: string;
  @IsOptional()
  @IsString()
  @Matches(SESSION_KEY_PATTERN, { message: 'sessionKey must be a session key such as main:telegram:dm:123' })
  sessionKey?: string;
  @IsString() @MinLength(1) @MaxLength(256) idempotencyKey: string;
}
