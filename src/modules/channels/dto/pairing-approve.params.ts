import { IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';

export class ChannelPairApproveParams {
  @IsString() @MinLength(1) @MaxLength(64) channel: string;
  /** As the sender received it; case, spaces and dashes do not matter. */
  @IsString() @MinLength(1) @MaxLength(32) code: string;
}
