import { IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';

export class DescribeNodeParams {
  /** A node id, or a display name (exact, case-insensitive). */
  @IsString() @MinLength(1) @MaxLength(256) nodeId: string;
}
