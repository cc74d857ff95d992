import { IsBoolean, IsNumber, IsOptional, IsString, MaxLength, Min } from '../../../common/validation/class-validator';
import { SessionKeyParams } from './session-key.params';

/**
 * The reference's SessionsDeleteParams. `expectedSessionId` guards as in
 * sessions.reset; the current release's other guards and its archive are
 * state nestclaw does not keep, so a call that relies on them is refused by
 * name (sessions.rpc) rather than deleting what the caller meant to protect.
 */
export class DeleteSessionParams extends SessionKeyParams {
  @IsOptional() @IsString() @MaxLength(200) agentId?: string;
  @IsOptional() @IsBoolean() deleteTranscript?: boolean;
  @IsOptional() @IsString() @MaxLength(200) expectedSessionId?: string;
  @IsOptional() @IsString() @MaxLength(200) expectedLifecycleRevision?: string;
  @IsOptional() @IsNumber() @Min(0) expectedSessionUpdatedAt?: number;
  /** nestclaw has no lifecycle hooks: nothing to emit either way. */
  @IsOptional() @IsBoolean() emitLifecycleHooks?: boolean;
  @IsOptional() @IsBoolean() archivedOnly?: boolean;
}
