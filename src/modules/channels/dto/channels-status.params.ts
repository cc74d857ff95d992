import { IsBoolean, IsOptional } from 'class-validator';

export class ChannelsStatusParams {
  /** Also ask each enabled platform who we are (Telegram: getMe). */
  @IsOptional() @IsBoolean() probe?: boolean;
}
