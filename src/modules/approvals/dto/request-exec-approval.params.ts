import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from '../../../common/validation/class-validator';
import { MIN_EXEC_APPROVAL_TIMEOUT_MS } from '../../../common/protocol';

/** Same bounds as the node host's system.run params (node-host/params.ts). */
const MAX_ENV_VARIABLES = 64;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MAX_ENV_VALUE_LENGTH = 8_192;

function IsEnvRecord() {
  return ValidateBy({
    name: 'isEnvRecord',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= MAX_ENV_VARIABLES &&
        Object.entries(value).every(
          ([name, item]) => ENV_NAME.test(name) && typeof item === 'string' && item.length <= MAX_ENV_VALUE_LENGTH,
        ),
      defaultMessage: () =>
        `$property must be an object of at most ${MAX_ENV_VARIABLES} variables (names: letters, digits, _; string values up to ${MAX_ENV_VALUE_LENGTH} characters)`,
    },
  });
}

/** A node asking whether it may run argv; the answer arrives as this request's response. */
export class RequestExecApprovalParams {
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(256) @IsString({ each: true }) @MaxLength(4_096, { each: true }) argv: string[];
  @IsOptional() @IsString() @MaxLength(4_096) cwd?: string;
  /** The variables the command would be given beyond the node's base environment; shown to the operators. */
  @IsOptional() @IsEnvRecord() env?: Record<string, string>;
  /** The absolute file argv[0] resolves to on the node. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(4_096) resolvedPath?: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(256) sessionKey?: string;
  /** How long to wait for an answer; the gateway keeps it within its bounds. */
  @IsOptional() @IsInt() @Min(MIN_EXEC_APPROVAL_TIMEOUT_MS) @Max(10 * 60_000) timeoutMs?: number;
}
