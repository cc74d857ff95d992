import { IsIn, IsOptional, IsString, MaxLength } from '../../../common/validation/class-validator';
import { SessionKeyParams } from './session-key.params';

/** The reference's SessionsResetParams (January: key; current: also agentId, reason, expectedSessionId). */
export class ResetSessionParams extends SessionKeyParams {
  @IsOptional() @IsString() @MaxLength(200) agentId?: string;
  @IsOptional() @IsIn(['new', 'reset']) reason?: 'new' | 'reset';
  @IsOptional() @IsString() @MaxLength(200) expectedSessionId?: string;
}
