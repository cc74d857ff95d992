import { IsInt, IsOptional, Max, Min } from '../../../common/validation/class-validator';

/** The reference's LogsTailParams: all optional, same bounds. */
export class LogsTailParams {
  @IsOptional() @IsInt() @Min(0) @Max(Number.MAX_SAFE_INTEGER) cursor?: number;
  @IsOptional() @IsInt() @Min(1) @Max(5_000) limit?: number;
  @IsOptional() @IsInt() @Min(1) @Max(1_000_000) maxBytes?: number;
}
