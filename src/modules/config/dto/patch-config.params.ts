import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from '../../../common/validation/class-validator';
import { CONFIG_HASH_MAX_CHARS, CONFIG_TEXT_MAX_CHARS, RESTART_DELAY_MAX_MS } from './config-limits';

/**
 * `config.patch`: an RFC 7396 merge patch, as an object (`patch`) or, as the
 * reference gateway sends it, as JSON5 text (`raw`).
 */
export class PatchConfigParams {
  @IsOptional() @IsObject() patch?: Record<string, unknown>;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(CONFIG_TEXT_MAX_CHARS) raw?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(CONFIG_HASH_MAX_CHARS) baseHash?: string;
  @IsOptional() @IsBoolean() restart?: boolean;
  @IsOptional() @IsInt() @Min(0) @Max(RESTART_DELAY_MAX_MS) restartDelayMs?: number;
  /** Accepted for the reference's clients; nestclaw reports restarts with the `shutdown` and `config` events. */
  @IsOptional() @IsString() @MaxLength(1024) note?: string;
  @IsOptional() @IsString() @MaxLength(512) sessionKey?: string;
  /**
   * The current reference's "replace these objects instead of merging". Not
   * supported: merging where the client asked for a replacement could leave
   * keys it meant to drop, so a non-empty list is refused (ConfigRpc).
   */
  @IsOptional() @IsArray() @ArrayMaxSize(256) @IsString({ each: true }) @MaxLength(1024, { each: true }) replacePaths?: string[];
}
