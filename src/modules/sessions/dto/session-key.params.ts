import { IsString, Matches } from '../../../common/validation/class-validator';
import { SESSION_KEY_PATTERN } from '../session-keys';

/** `key` as the reference's session methods name it. */
export class SessionKeyParams {
  @IsString()
  @Matches(SESSION_KEY_PATTERN, { message: '$property must be a session key such as main:telegram:dm:123' })
  key: string;
}
