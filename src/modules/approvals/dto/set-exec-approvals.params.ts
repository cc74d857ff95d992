import { IsHexadecimal, IsObject, IsOptional, IsString, Length } from '../../../common/validation/class-validator';

/** `exec.approvals.set`: the whole file (checked field by field by the store) and the hash it was read with. */
export class SetExecApprovalsParams {
  @IsObject() file: Record<string, unknown>;
  @IsOptional() @IsString() @IsHexadecimal() @Length(64, 64) baseHash?: string;
}
