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
} from 'class-validator';
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

export class ConnectClientParams {
  @IsString() @MinLength(1) @MaxLength(SHORT) id: string;
  @IsString() @MaxLength(SHORT) version: string;
  @IsString() @MaxLength(SHORT) platform: string;
  @IsString() @MinLength(1) @MaxLength(SHORT) mode: string;
  @IsOptional() @IsString() @MaxLength(SHORT) displayName?: string;
  @IsOptional() @IsString() @MaxLength(SHORT) deviceFamily?: string;
  @IsOptional() @IsString() @MaxLength(SHORT) modelIdentifier?: string;
  @IsOptional() @IsString() @MaxLength(SHORT) instanceId?: string;
}

export class ConnectAuthParams {
  @IsOptional() @IsString() @MaxLength(4096) token?: string;
  @IsOptional() @IsString() @MaxLength(4096) password?: string;
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

  @IsOptional() @IsString() @MaxLength(SHORT) locale?: string;
  @IsOptional() @IsString() @MaxLength(1024) userAgent?: string;
}
