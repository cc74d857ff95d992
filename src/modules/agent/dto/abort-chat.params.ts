import { IsOptional, IsString, Matches, MaxLength, MinLength } from '../../../common/validation/class-validator';
import { SESSION_KEY_PATTERN } from '../../sessions/session-keys';

export class AbortChatParams {
  @IsString()
  @Matches(SESSION_KEY_PATTERN, { message: '$property must be a session key such as main:webchat:home' })
  sessionKey: string;
  /** Only this run; without it every run of the session, running or queued. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(256) runId?: string;
}
