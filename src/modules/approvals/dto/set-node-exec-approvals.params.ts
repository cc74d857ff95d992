import { IsHexadecimal, IsObject, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';

/** `exec.approvals.node.set`: relayed to the node, which validates the file again and decides. */
export class SetNodeExecApprovalsParams {
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
  @IsObject() file: Record<string, unknown>;
  @IsOptional() @IsString() @IsHexadecimal() @Length(64, 64) baseHash?: string;
}
