import { IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';

export const MAX_DISPLAY_NAME_LENGTH = 64;

export class RenameNodeParams {
  /** A node id, or its current display name (exact, case-insensitive). */
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
  @IsString() @MaxLength(MAX_DISPLAY_NAME_LENGTH) displayName: string;
}
