import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateNested,
} from '../../../common/validation/class-validator';
import {
  MAX_CONNECT_SCOPES,
  MAX_NAME_LENGTH,
  MAX_NODE_CAPS,
  MAX_NODE_COMMANDS,
  MAX_NODE_PERMISSIONS,
  ROLES,
  Role,
} from '../../../common/protocol';

const SHORT = 256;

function IsBooleanRecord() {
  return ValidateBy({
    name: 'isBooleanRecord',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
        const entries = Object.entries(value);
        return (
          entries.length <= MAX_NODE_PERMISSIONS &&
          entries.every(([key, v]) => key.length <= MAX_NAME_LENGTH && typeof v === 'boolean')
        );
      },
      defaultMessage: () =>
        `$property must be an object of at most ${MAX_NODE_PERMISSIONS} true/false values with names of at most ${MAX_NAME_LENGTH} characters`,
    },
  });
}

const MAX_IGNORED_FIELD_BYTES = 16 * 1024;

/** An ignored field is still bounded: the frame limit alone would let it take most of maxPayload. */
function IsJsonBounded() {
  return ValidateBy({
    name: 'isJsonBounded',
    validator: {
      validate: (value: unknown) => JSON.stringify(value ?? null).length <= MAX_IGNORED_FIELD_BYTES,
      defaultMessage: () => `$property must be at most ${MAX_IGNORED_FIELD_BYTES} bytes of JSON`,
    },
  });
}

export class ConnectClientParams {
  @IsString() @MinLength(1) @MaxLength(SHORT) id: string;
  @IsString() @MaxLength(SHORT) version: string;
  @IsString() @MaxLength(SHORT) platform: string;
  @IsString() @MinLength(1) @MaxLength(SHORT) mode: string;
  @IsOptional() @IsString() @MaxLength(SHORT) displayName?: string;
  @IsOptional() @IsString() @MaxLength(SHORT) deviceFamily?: string;
  @IsOptional() @IsString() @MaxLength(SHORT) modelIdentifier?: string;
  @IsOptional() @IsString() @MaxLength(SHORT) instanceId?: string;
  /** Protocol 4; kept with the session like the other client fields. */
  @IsOptional() @IsString() @MaxLength(96) buildId?: string;
  @IsOptional() @IsString() @MaxLength(64) timeZone?: string;
}

export class ConnectAuthParams {
  @IsOptional() @IsString() @MaxLength(4096) token?: string;
  @IsOptional() @IsString() @MaxLength(4096) password?: string;
  /** Protocol 4: the device token apart from the shared one; judged like a device token in `token`. */
  @IsOptional() @IsString() @MaxLength(4096) deviceToken?: string;
  /**
   * Protocol 4 tokens for mechanisms nestclaw does not have (setup-code
   * bootstrap, approval and agent runtimes): accepted and never honoured.
   * A bootstrap token is still signed over when it is the only token.
   */
  @IsOptional() @IsString() @MaxLength(4096) bootstrapToken?: string;
  @IsOptional() @IsString() @MaxLength(4096) approvalRuntimeToken?: string;
  @IsOptional() @IsString() @MaxLength(4096) agentRuntimeIdentityToken?: string;
}

export class ConnectDeviceParams {
  @IsString() @MinLength(1) @MaxLength(128) id: string;
  @IsString() @MinLength(1) @MaxLength(4096) publicKey: string;
  @IsString() @MinLength(1) @MaxLength(1024) signature: string;
  @IsInt() signedAt: number;
  @IsOptional() @IsString() @MaxLength(SHORT) nonce?: string;
}

export class ConnectParamsDto {
  @IsInt() minProtocol: number;
  @IsInt() maxProtocol: number;

  @IsObject() @ValidateNested() @Type(() => ConnectClientParams) client: ConnectClientParams;

  @IsOptional() @IsIn(ROLES) role?: Role;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONNECT_SCOPES)
  @IsString({ each: true })
  @MaxLength(MAX_NAME_LENGTH, { each: true })
  scopes?: string[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_NODE_CAPS)
  @IsString({ each: true })
  @MaxLength(MAX_NAME_LENGTH, { each: true })
  caps?: string[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_NODE_COMMANDS)
  @IsString({ each: true })
  @MaxLength(MAX_NAME_LENGTH, { each: true })
  commands?: string[];
  @IsOptional() @IsBooleanRecord() permissions?: Record<string, boolean>;
  @IsOptional() @IsString() @MaxLength(64 * 1024) pathEnv?: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => ConnectAuthParams) auth?: ConnectAuthParams;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ConnectDeviceParams) device?: ConnectDeviceParams;

  /**
   * Protocol 4 fields for features nestclaw does not have. computerUse (a
   * node's Computer Use declaration) and modelCatalog (a model catalog in the
   * hello) are accepted and ignored; workerRuns is refused by the handshake
   * with a message, because a worker would wait for runs that never come.
   */
  @IsOptional() @IsJsonBounded() computerUse?: unknown;
  @IsOptional() @IsObject() workerRuns?: object;
  @IsOptional() @IsObject() @IsJsonBounded() modelCatalog?: object;

  @IsOptional() @IsString() @MaxLength(SHORT) locale?: string;
  @IsOptional() @IsString() @MaxLength(1024) userAgent?: string;
}
