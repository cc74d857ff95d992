import { IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';

/** `exec.approvals.node.get`. */
export class NodeExecApprovalsParams {
  /** A node id, or a node's display name (exact, case-insensitive). */
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
}
