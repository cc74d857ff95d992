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
  Matches,
  ValidateBy,
  ValidateNested,
} from '../validation/class-validator';

import {
  AGENT_PROVIDERS,
  AgentProvider,
  AUTH_MODES,
  AuthMode,
  BIND_MODES,
  BindMode,
  DM_POLICIES,
  DmPolicy,
  LOG_FORMATS,
  LOG_LEVELS,
  LogFormat,
  LogLevelName,
  TAILSCALE_MODES,
  TailscaleMode,
} from './config.constants';

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
  @IsOptional() @IsInt() @Min(100) @Max(600_000) slowConsumerGraceMs?: number;
}

/** Where the gateway's own log lines go besides the console (docs/operations.md, "Logs"). */
export class GatewayLoggingSection {
  /** The log file; rotated by size. A relative path is taken from the config file's directory. */
  @IsOptional() @IsString() @MinLength(1) file?: string;
  @IsOptional() @IsIn(LOG_LEVELS) level?: LogLevelName;
  @IsOptional() @IsIn(LOG_FORMATS) format?: LogFormat;
}

export class GatewaySection {
  @IsOptional() @IsIn(['local', 'remote']) mode?: 'local' | 'remote';
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;
  @IsOptional() @IsIn(BIND_MODES) bind?: BindMode;
  @IsOptional() @IsIP() customBindHost?: string;
  @IsOptional() @IsArray() @IsIP(undefined, { each: true }) trustedProxies?: string[];
  /** Extra Host names the WebSocket upgrade accepts (a reverse proxy's public name); see docs/protocol.md. */
  @IsOptional() @IsArray() @IsString({ each: true }) allowedHosts?: string[];

  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayAuthSection) auth?: GatewayAuthSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayTailscaleSection) tailscale?: GatewayTailscaleSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayTlsSection) tls?: GatewayTlsSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayRemoteSection) remote?: GatewayRemoteSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayNodesSection) nodes?: GatewayNodesSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayControlUiSection) controlUi?: GatewayControlUiSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayLimitsSection) limits?: GatewayLimitsSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewayLoggingSection) logging?: GatewayLoggingSection;
}

/** Telegram user and chat ids: whole numbers, written as numbers or strings (group ids are negative). */
function IsTelegramIdList() {
  return ValidateBy({
    name: 'isTelegramIdList',
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) &&
        value.every((id) => (typeof id === 'number' && Number.isInteger(id)) || (typeof id === 'string' && /^-?\d+$/.test(id))),
      defaultMessage: () => '$property must be a list of Telegram ids (whole numbers, e.g. [123456789])',
    },
  });
}

/** channels.telegram.approvers: each gets every exec approval prompt, so the list stays short. */
export const MAX_TELEGRAM_APPROVERS = 10;

/** Telegram user ids (positive: a person, not a group), at most MAX_TELEGRAM_APPROVERS of them. */
function IsTelegramUserIdList() {
  return ValidateBy({
    name: 'isTelegramUserIdList',
    validator: {
      validate: (value: unknown) =>
        Array.isArray(value) &&
        value.length <= MAX_TELEGRAM_APPROVERS &&
        value.every(
          (id) =>
            (typeof id === 'number' && Number.isInteger(id) && id > 0) || (typeof id === 'string' && /^[1-9]\d{0,19}$/.test(id)),
        ),
      defaultMessage: () =>
        `$property must be a list of at most ${MAX_TELEGRAM_APPROVERS} Telegram user ids (positive whole numbers, e.g. [123456789]; a user's id is in \`nestclaw pairing list\` or from @userinfobot)`,
    },
  });
}

export class TelegramGroupsSection {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsBoolean() requireMention?: boolean;
  @IsOptional() @IsTelegramIdList() allowFrom?: Array<string | number>;
}

export class TelegramSection {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsString() @MinLength(1) botToken?: string;
  @IsOptional() @IsIn(DM_POLICIES) dmPolicy?: DmPolicy;
  @IsOptional() @IsTelegramIdList() allowFrom?: Array<string | number>;
  /** Who answers exec approval prompts; unset: the owner (docs/channels.md, "Who approves"). */
  @IsOptional() @IsTelegramUserIdList() approvers?: Array<string | number>;
  @IsOptional() @IsString() @Matches(/^https?:\/\//, { message: '$property must be an http(s) URL' }) apiRoot?: string;
  /** Public https URL Telegram posts updates to; setting it switches from long polling to webhook mode. */
  @IsOptional() @IsString() @Matches(/^https:\/\//, { message: '$property must be an https URL' }) webhookUrl?: string;
  @IsOptional()
  @IsString()
  @Matches(/^\/[\w\-./]*$/, { message: '$property must be a path such as /telegram/webhook' })
  webhookPath?: string;
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,256}$/, { message: '$property must be 16-256 letters, digits, _ or -' })
  webhookSecret?: string;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TelegramGroupsSection) groups?: TelegramGroupsSection;
}

export class ChannelsSection {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TelegramSection) telegram?: TelegramSection;
}

export class AgentSection {
  @IsOptional() @IsIn(AGENT_PROVIDERS) provider?: AgentProvider;
  @IsOptional() @IsString() @MinLength(1) model?: string;
  @IsOptional() @IsString() @Matches(/^https?:\/\//, { message: '$property must be an http(s) URL' }) baseUrl?: string;
  @IsOptional() @IsString() @MinLength(1) apiKey?: string;
  @IsOptional() @IsString() systemPrompt?: string;
  @IsOptional() @IsInt() @Min(1_000) @Max(3_600_000) timeoutMs?: number;
  @IsOptional() @IsInt() @Min(1) @Max(64) maxConcurrent?: number;
  @IsOptional() @IsInt() @Min(1) @Max(50) maxSteps?: number;
  @IsOptional() @IsInt() @Min(2) @Max(1_000) historyLimit?: number;
}

export class ExecToolSection {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsArray() @IsString({ each: true }) allowlist?: string[];
  @IsOptional() @IsBoolean() ask?: boolean;
}

export class BrowserToolSection {
  @IsOptional() @IsBoolean() enabled?: boolean;
  @IsOptional() @IsString() @MinLength(1) executablePath?: string;
  /** Glob patterns over whole URLs, e.g. "http://127.0.0.1:8080/*" (docs/browser.md). */
  @IsOptional() @IsArray() @IsString({ each: true }) allowUrls?: string[];
  @IsOptional() @IsArray() @IsString({ each: true }) denyUrls?: string[];
  /** A node (id or display name) started with `nestclaw node run --browser` that serves the browser instead of this host. */
  @IsOptional() @IsString() @MinLength(1) node?: string;
  @IsOptional() @IsBoolean() headless?: boolean;
  @IsOptional() @IsInt() @Min(1_000) @Max(120_000) actionTimeoutMs?: number;
  @IsOptional() @IsInt() @Min(10_000) @Max(86_400_000) idleTimeoutMs?: number;
  @IsOptional() @IsInt() @Min(1_000) @Max(100_000) snapshotMaxChars?: number;
}

export class ToolsSection {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ExecToolSection) exec?: ExecToolSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => BrowserToolSection) browser?: BrowserToolSection;
}

/** The config file as written by the user; every key optional. */
export class ConfigFile {
  @IsOptional() @IsObject() @ValidateNested() @Type(() => GatewaySection) gateway?: GatewaySection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ChannelsSection) channels?: ChannelsSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => AgentSection) agent?: AgentSection;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => ToolsSection) tools?: ToolsSection;
}
