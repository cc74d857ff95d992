import { IsBoolean, IsOptional } from '../../../common/validation/class-validator';

export class ChannelsStatusParams {
  /** Also ask each enabled platform who we are (Telegram: getMe). */
  @IsOptional() @IsBoolean() probe?: boolean;
}
