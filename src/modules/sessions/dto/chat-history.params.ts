import { IsInt, IsOptional, IsString, Matches, Max, Min } from '../../../common/validation/class-validator';
import { SESSION_KEY_PATTERN } from '../session-keys';

export class ChatHistoryParams {
  @IsString()
  @Matches(SESSION_KEY_PATTERN, { message: '$property must be a session key such as main:telegram:dm:123' })
  sessionKey: string;
  @IsOptional() @IsInt() @Min(1) @Max(1_000) limit?: number;
}
