import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

export class ChannelPairListParams {
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64) channel?: string;
}
