import {
  IsHexadecimal,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  MinLength,
  ValidateIf,
} from '../../../common/validation/class-validator';

/** `exec.approvals.node.set`: relayed to the node, which validates the file again and decides. */
export class SetNodeExecApprovalsParams {
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
  /** Required unless `native` is sent, which is then refused by name rather than as a missing `file`. */
  @ValidateIf((p: SetNodeExecApprovalsParams) => p.native === undefined) @IsObject() file?: Record<string, unknown>;
  /** The current reference's host-native policy (macOS app); nestclaw nodes have none (ApprovalsErrors.nativePolicy). */
  @IsOptional() @IsObject() native?: Record<string, unknown>;
  @IsOptional() @IsString() @IsHexadecimal() @Length(64, 64) baseHash?: string;
}
