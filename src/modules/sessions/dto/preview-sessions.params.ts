import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
} from '../../../common/validation/class-validator';

/** Sessions one preview call may name; the reference reads at most as many. */
export const MAX_PREVIEW_KEYS = 64;

/** The reference's SessionsPreviewParams; limit and maxChars are clamped (docs/protocol.md, "Sessions"). */
export class PreviewSessionsParams {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PREVIEW_KEYS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(256, { each: true })
  keys: string[];
  @IsOptional() @IsInt() @Min(1) limit?: number;
  @IsOptional() @IsInt() @Min(20) maxChars?: number;
}
