import { Type } from 'class-transformer';
import {
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
import { ROLES, Role } from '../../../common/protocol';

const SHORT = 256;

function IsBooleanRecord() {
  return ValidateBy({
    name: 'isBooleanRecord',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === 'boolean'),
      defaultMessage: () => '$property must be an object of true/false values',
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
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(SHORT, { each: true }) scopes?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(SHORT, { each: true }) caps?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) @MaxLength(SHORT, { each: true }) commands?: string[];
  @IsOptional() @IsBooleanRecord() permissions?: Record<string, boolean>;
  @IsOptional() @IsString() @MaxLength(64 * 1024) pathEnv?: string;

  @IsOptional() @IsObject() @ValidateNested() @Type(() => ConnectAuthParams) auth?: ConnectAuthParams;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ConnectDeviceParams) device?: ConnectDeviceParams;

  @IsOptional() @IsString() @MaxLength(SHORT) locale?: string;
  @IsOptional() @IsString() @MaxLength(1024) userAgent?: string;
}
