import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { SessionKeyParams } from './session-key.params';

/** The reference's SessionsDeleteParams (January fields, plus agentId). */
export class DeleteSessionParams extends SessionKeyParams {
  @IsOptional() @IsString() @MaxLength(200) agentId?: string;
  @IsOptional() @IsBoolean() deleteTranscript?: boolean;
}
