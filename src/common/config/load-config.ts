import * as path from 'node:path';
import JSON5 from 'json5';
import { DEFAULT_GATEWAY_PORT, DEFAULT_LIMITS, GatewayLimits } from '../protocol/constants';
import { activeProfile, PROFILE_ENV, profileNameProblem, profilePort, profileStateDir } from './profile';
import { jsonTextTooDeep } from '../protocol/json-budget';
import {
  AUTH_MODES,
  AuthMode,
  BIND_MODES,
  BindMode,
  LOG_FORMATS,
  LogFormat,
  LogLevelName,
  TAILSCALE_MODES,
  TailscaleMode,
} from './config.constants';
import type { ConfigFile } from './config.schema';
import { ConfigError } from './config-error';
import { resolveFeatures, ResolvedAgent, ResolvedTelegram, ResolvedTools } from './resolve-features';

/** Values given on the command line; they win over everything else. */
export interface CliOverrides {
  port?: number | string;
  bind?: string;
  auth?: string;
  token?: string;
  password?: string;
  tailscale?: string;
  /** Only `true` overrides; commander leaves an absent switch undefined. */
  tailscaleResetOnExit?: boolean;
  /** `--log-format`: overrides gateway.logging.format. */
  logFormat?: string;
}

export interface LoadConfigInput {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /** Returns the file's text, or undefined when it does not exist. */
  readFile: (filePath: string) => string | undefined;
  overrides?: CliOverrides;
}

/** Where a secret came from; "generated" means the gateway made and stored one itself. */
export type SecretSource = 'flag' | `env:${string}` | 'config' | 'generated';

export interface ResolvedAuth {
  mode: AuthMode;
  token?: string;
  password?: string;
  /** Undefined when no secret was configured and one will be generated at start. */
  source?: Exclude<SecretSource, 'generated'>;
  allowTailscale: boolean;
}

export interface ResolvedGateway {
  mode: 'local' | 'remote';
  port: number;
  portSource: string;
  bind: BindMode;
  customBindHost?: string;
  auth: ResolvedAuth;
  trustedProxies: readonly string[];
  /** Host names the upgrade accepts on top of the ones it always serves (docs/protocol.md, "Host check"). */
  allowedHosts: readonly string[];
  tailscale: { mode: TailscaleMode; resetOnExit: boolean };
  tls: ResolvedTls;
  controlUi: { enabled: boolean; basePath: string; allowedOrigins: readonly string[]; allowInsecureAuth: boolean };
  limits: GatewayLimits;
  remote: NonNullable<ConfigFile['gateway']>['remote'];
  /** Node command policy on top of the per-platform defaults (docs/protocol.md, "Nodes"). */
  nodes: { allowCommands: readonly string[]; denyCommands: readonly string[] };
  logging: ResolvedLogging;
}

/** The gateway's log file and what goes into it; the file defaults to <stateDir>/logs/gateway.log. */
export interface ResolvedLogging {
  file: string;
  level: LogLevelName;
  format: LogFormat;
}

export interface ResolvedTls {
  enabled: boolean;
  /** Absolute; a relative path in the file is taken from the config file's directory. */
  certPath?: string;
  keyPath?: string;
}

export interface ResolvedConfig {
  configPath: string;
  configFileFound: boolean;
  stateDir: string;
  file: ConfigFile;
  gateway: ResolvedGateway;
  channels: { telegram: ResolvedTelegram };
  agent: ResolvedAgent;
  tools: ResolvedTools;
}

/**
 * Reads and validates the config file and merges flags and environment over it.
 * Pure apart from the injected readFile, so the CLI can call it without Nest.
 */
export function loadConfig(input: LoadConfigInput): ResolvedConfig {
  const { env, overrides = {} } = input;
  const profile = activeProfile(env);
  const badProfile = profile === undefined ? undefined : profileNameProblem(profile);
  if (badProfile) throw new ConfigError(PROFILE_ENV, [`${badProfile} (from --profile or ${PROFILE_ENV})`]);
  const stateDir = expandHome(env.NESTCLAW_STATE_DIR || profileStateDir(profile, input.homeDir), input.homeDir);
  const configPath = expandHome(env.NESTCLAW_CONFIG_PATH || path.join(stateDir, 'nestclaw.json'), input.homeDir);
  const text = input.readFile(configPath);
  const file: ConfigFile = text === undefined ? {} : parseConfigText(text, configPath);

  const problems: string[] = [];
  const gateway = resolveGateway(file, env, overrides, problems, {
    baseDir: path.dirname(configPath),
    homeDir: input.homeDir,
    stateDir,
  });
  if (problems.length > 0) throw new ConfigError('flags and environment', problems);

  const { telegram, agent, tools } = resolveFeatures(file, env);
  return deepFreeze({
    configPath,
    configFileFound: text !== undefined,
    stateDir,
    file,
    gateway,
    channels: { telegram },
    agent,
    tools,
  });
}

/** The config is a few levels deep; the JSON5 parser and the validator both recurse, so depth is checked first. */
export const MAX_CONFIG_DEPTH = 32;

export function parseConfigText(text: string, source: string): ConfigFile {
  if (jsonTextTooDeep(text, MAX_CONFIG_DEPTH)) {
    throw new ConfigError(source, [
      `nests objects/arrays deeper than ${MAX_CONFIG_DEPTH} levels; the config needs only a few (see docs/operations.md)`,
    ]);
  }
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON5.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.replace(/^JSON5: /, '') : 'unreadable';
    throw new ConfigError(source, [`not valid JSON5: ${detail}`]);
  }
  // Loaded on demand: class-validator is most of a CLI start, and without a config file it is not needed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous lazy load; loadConfig is not async
  const { validateConfigObject } = require('./validate-config') as typeof import('./validate-config');
  let checked: ReturnType<typeof validateConfigObject>;
  try {
    checked = validateConfigObject(raw);
  } catch (error) {
    // The text check above can be fooled by a quote in a JSON5 comment; the validator's recursion is the backstop.
    if (error instanceof RangeError) throw new ConfigError(source, ['nests objects/arrays too deeply to validate']);
    throw error;
  }
  const { value, problems } = checked;
  if (!value) throw new ConfigError(source, problems);
  return value;
}

function resolveGateway(
  file: ConfigFile,
  env: LoadConfigInput['env'],
  overrides: CliOverrides,
  problems: string[],
  paths: { baseDir: string; homeDir: string; stateDir: string },
): ResolvedGateway {
  const section = file.gateway ?? {};
  const port = resolvePort(section.port, env, overrides.port, problems, profilePort(activeProfile(env)));
  const bind = resolveBind(section.bind, env, overrides.bind, problems);
  const tailscaleMode = resolveTailscaleMode(section.tailscale?.mode, overrides.tailscale, problems);
  const auth = resolveAuth(section, env, overrides, tailscaleMode, problems);
  return {
    mode: section.mode ?? 'local',
    port: port.value,
    portSource: port.source,
    bind,
    customBindHost: section.customBindHost,
    auth,
    trustedProxies: section.trustedProxies ?? [],
    allowedHosts: section.allowedHosts ?? [],
    tailscale: { mode: tailscaleMode, resetOnExit: overrides.tailscaleResetOnExit || (section.tailscale?.resetOnExit ?? false) },
    tls: {
      enabled: section.tls?.enabled ?? false,
      certPath: resolveFilePath(section.tls?.certPath, paths),
      keyPath: resolveFilePath(section.tls?.keyPath, paths),
    },
    controlUi: {
      enabled: section.controlUi?.enabled ?? true,
      basePath: section.controlUi?.basePath ?? '/',
      allowedOrigins: section.controlUi?.allowedOrigins ?? [],
      allowInsecureAuth: section.controlUi?.allowInsecureAuth ?? false,
    },
    limits: { ...DEFAULT_LIMITS, ...definedOnly(section.limits ?? {}) },
    remote: section.remote,
    nodes: { allowCommands: section.nodes?.allowCommands ?? [], denyCommands: section.nodes?.denyCommands ?? [] },
    logging: {
      file: resolveFilePath(section.logging?.file, paths) ?? path.join(paths.stateDir, 'logs', 'gateway.log'),
      level: section.logging?.level ?? 'info',
      format: resolveLogFormat(section.logging?.format, overrides.logFormat, problems),
    },
  };
}

function resolvePort(
  fromFile: number | undefined,
  env: LoadConfigInput['env'],
  flag: number | string | undefined,
  problems: string[],
  defaultPort: number,
): { value: number; source: string } {
  const candidates: Array<[string, unknown]> = [
    ['--port', flag],
    ['NESTCLAW_GATEWAY_PORT', env.NESTCLAW_GATEWAY_PORT],
    ['OPENCLAW_GATEWAY_PORT', env.OPENCLAW_GATEWAY_PORT],
    ['gateway.port', fromFile],
  ];
  for (const [source, value] of candidates) {
    if (value === undefined || value === '') continue;
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`${source}: must be a whole number from 1 to 65535 (got ${JSON.stringify(value)})`);
      return { value: defaultPort, source };
    }
    return { value: port, source };
  }
  return { value: defaultPort, source: defaultPort === DEFAULT_GATEWAY_PORT ? 'default' : 'profile default' };
}

/**
 * The environment sits between the flag and the file, as for the port, so a
 * container image can set the bind once (ENV) and every `nestclaw` command run
 * in it (status, security audit) sees what the gateway really listens on.
 */
function resolveBind(
  fromFile: BindMode | undefined,
  env: LoadConfigInput['env'],
  flag: string | undefined,
  problems: string[],
): BindMode {
  const candidates: Array<[string, string | undefined]> = [
    ['--bind', flag],
    ['NESTCLAW_GATEWAY_BIND', env.NESTCLAW_GATEWAY_BIND],
    ['OPENCLAW_GATEWAY_BIND', env.OPENCLAW_GATEWAY_BIND],
  ];
  for (const [source, value] of candidates) {
    if (value === undefined || value === '') continue;
    if ((BIND_MODES as readonly string[]).includes(value)) return value as BindMode;
    problems.push(`${source}: must be one of ${BIND_MODES.join(', ')} (got ${JSON.stringify(value)})`);
    return 'loopback';
  }
  return fromFile ?? 'loopback';
}

function resolveTailscaleMode(fromFile: TailscaleMode | undefined, flag: string | undefined, problems: string[]): TailscaleMode {
  if (flag === undefined) return fromFile ?? 'off';
  if ((TAILSCALE_MODES as readonly string[]).includes(flag)) return flag as TailscaleMode;
  problems.push(`--tailscale: must be one of ${TAILSCALE_MODES.join(', ')} (got ${JSON.stringify(flag)})`);
  return 'off';
}

function resolveAuth(
  section: NonNullable<ConfigFile['gateway']>,
  env: LoadConfigInput['env'],
  overrides: CliOverrides,
  tailscaleMode: TailscaleMode,
  problems: string[],
): ResolvedAuth {
  const token = firstSecret([
    ['flag', overrides.token],
    ['env:NESTCLAW_GATEWAY_TOKEN', env.NESTCLAW_GATEWAY_TOKEN],
    ['env:OPENCLAW_GATEWAY_TOKEN', env.OPENCLAW_GATEWAY_TOKEN],
    ['config', section.auth?.token],
  ]);
  const password = firstSecret([
    ['flag', overrides.password],
    ['env:NESTCLAW_GATEWAY_PASSWORD', env.NESTCLAW_GATEWAY_PASSWORD],
    ['env:OPENCLAW_GATEWAY_PASSWORD', env.OPENCLAW_GATEWAY_PASSWORD],
    ['config', section.auth?.password],
  ]);

  let mode: AuthMode = section.auth?.mode ?? (password && !token ? 'password' : 'token');
  if (overrides.auth !== undefined) {
    if ((AUTH_MODES as readonly string[]).includes(overrides.auth)) mode = overrides.auth as AuthMode;
    else problems.push(`--auth: must be one of ${AUTH_MODES.join(', ')} (got ${JSON.stringify(overrides.auth)})`);
  }
  if (mode === 'password' && !password) {
    problems.push(
      'auth mode is "password" but no password is set: set gateway.auth.password, NESTCLAW_GATEWAY_PASSWORD or --password',
    );
  }
  const chosen = mode === 'token' ? token : password;
  return {
    mode,
    token: token?.value,
    password: password?.value,
    source: chosen?.source,
    allowTailscale: section.auth?.allowTailscale ?? (tailscaleMode === 'serve' && mode === 'token'),
  };
}

type SecretCandidate = [Exclude<SecretSource, 'generated'>, string | undefined];

function firstSecret(candidates: SecretCandidate[]): { value: string; source: SecretCandidate[0] } | undefined {
  for (const [source, value] of candidates) {
    if (value !== undefined && value !== '') return { value, source };
  }
  return undefined;
}

function expandHome(p: string, homeDir: string): string {
  if (p === '~') return homeDir;
  if (p.startsWith('~/')) return path.join(homeDir, p.slice(2));
  return path.resolve(p);
}

/**
 * A service manager usually starts the gateway in "/", so a relative path in
 * the file means "next to the config file", not the working directory.
 */
function resolveFilePath(p: string | undefined, { baseDir, homeDir }: { baseDir: string; homeDir: string }): string | undefined {
  if (p === undefined || p === '') return undefined;
  if (p === '~' || p.startsWith('~/')) return expandHome(p, homeDir);
  return path.resolve(baseDir, p);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function resolveLogFormat(configured: LogFormat | undefined, flag: string | undefined, problems: string[]): LogFormat {
  if (flag === undefined) return configured ?? 'text';
  if ((LOG_FORMATS as readonly string[]).includes(flag)) return flag as LogFormat;
  problems.push(`--log-format: must be one of ${LOG_FORMATS.join(', ')} (got ${JSON.stringify(flag)})`);
  return configured ?? 'text';
}
