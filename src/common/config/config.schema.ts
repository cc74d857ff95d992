import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

import { AUTH_MODES, AuthMode, BIND_MODES, BindMode, TAILSCALE_MODES, TailscaleMode } from './config.constants';

export class GatewayAuthSection {
  @IsOptional() @IsIn(AUTH_MODES) mode?: AuthMode;
  @IsOptional() @IsString() @MinLength(1) token?: string;
  @IsOptional() @IsString() @MinLength(1) password?: string;
  @IsOptional() @IsBoolean() allowTailscale?: boolean;
}

export class GatewayTailscaleSection {
  @IsOptional() @IsIn(TAILSCALE_MODES) mode?: TailscaleMode;
  @IsOptional() @IsBoolean() resetOnExit?: boolean;
}

export class GatewayTlsSection {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsString() certPath?: string;
  @IsOptional() @IsString() keyPath?: string;
}

export class GatewayRemoteSection {
  @IsOptional() @IsString() url?: string;
  @IsOptional() @IsString() token?: string;
  @IsOptional() @IsString() password?: string;
  @IsOptional() @IsString() tlsFingerprint?: string;
  @IsOptional() @IsString() sshTarget?: string;
  @IsOptional() @IsString() sshIdentity?: string;
}

export class GatewayNodesSection {
  @IsOptional() @IsArray() @IsString({ each: true }) allowCommands?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) denyCommands?: string[];
}

export class GatewayControlUiSection {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsString() basePath?: string;
  @IsOptional() @IsArray() @IsString({ each: true }) allowedOrigins?: string[];
  @IsOptional() @IsBoolean() allowInsecureAuth?: boolean;
}

/** Our addition to the seed keys: the limits hello-ok advertises (docs/protocol.md). */
export class GatewayLimitsSection {
  @IsOptional() @IsInt() @Min(1024) @Max(64 * 1024 * 1024) maxPayload?: number;
  @IsOptional() @IsInt() @Min(1024) @Max(256 * 1024 * 1024) maxBufferedBytes?: number;
  @IsOptional() @IsInt() @Min(50) @Max(3_600_000) tickIntervalMs?: number;
  @IsOptional() @IsInt() @Min(50) @Max(600_000) handshakeTimeoutMs?: number;
}

export class GatewaySection {
  @IsOptional() @IsIn(['local', 'remote']) mode?: 'local' | 'remote';
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;
  @IsOptional() @IsIn(BIND_MODES) bind?: BindMode;
  @IsOptional() @IsIP() customBindHost?: string;
  @IsOptional() @IsArray() @IsIP(undefined, { each: true }) trustedProxies?: string[];

  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayAuthSection) auth?: GatewayAuthSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayTailscaleSection) tailscale?: GatewayTailscaleSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayTlsSection) tls?: GatewayTlsSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayRemoteSection) remote?: GatewayRemoteSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayNodesSection) nodes?: GatewayNodesSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayControlUiSection) controlUi?: GatewayControlUiSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayLimitsSection) limits?: GatewayLimitsSection;
}

/** The config file as written by the user; every key optional. */
export class ConfigFile {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewaySection) gateway?: GatewaySection;
}
