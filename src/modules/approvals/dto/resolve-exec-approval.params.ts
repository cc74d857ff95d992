import { IsIn, IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';
import { EXEC_APPROVAL_DECISIONS, type ExecApprovalDecision } from '../../../common/protocol';

export class ResolveExecApprovalParams {
  @IsString() @MinLength(1) @MaxLength(128) id: string;
  @IsIn(EXEC_APPROVAL_DECISIONS) decision: ExecApprovalDecision;
}
