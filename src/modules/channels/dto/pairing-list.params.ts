import { IsOptional, IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';

export class ChannelPairListParams {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64) channel?: string;
}
