import { IsBoolean, IsOptional, IsString, MaxLength, MinLength } from '../../../common/validation/class-validator';
import { CONFIG_HASH_MAX_CHARS, CONFIG_TEXT_MAX_CHARS } from './config-limits';

/** `config.set`: the whole file as JSON5 text, guarded by the hash config.get gave. */
export class SetConfigParams {
  @IsString() @MinLength(1) @MaxLength(CONFIG_TEXT_MAX_CHARS) raw: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(CONFIG_HASH_MAX_CHARS) baseHash?: string;
  /** Restart in place when a written key needs it (port, bind, TLS...). */
  @IsOptional() @IsBoolean() restart?: boolean;
}
