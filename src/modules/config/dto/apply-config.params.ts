import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from '../../../common/validation/class-validator';
import { CONFIG_HASH_MAX_CHARS, CONFIG_TEXT_MAX_CHARS, RESTART_DELAY_MAX_MS } from './config-limits';

/** `config.apply`, the reference's shape: the whole file, then a restart in place if a written key needs one. */
export class ApplyConfigParams {
  @IsString() @MinLength(1) @MaxLength(CONFIG_TEXT_MAX_CHARS) raw: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(CONFIG_HASH_MAX_CHARS) baseHash?: string;
  @IsOptional() @IsInt() @Min(0) @Max(RESTART_DELAY_MAX_MS) restartDelayMs?: number;
  @IsOptional() @IsString() @MaxLength(1024) note?: string;
  @IsOptional() @IsString() @MaxLength(512) sessionKey?: string;
}
