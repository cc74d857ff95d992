import { isIP } from 'node:net';
import { MIN_PASSWORD_LENGTH, MIN_TOKEN_LENGTH, secretWeakness } from '../../common/audit';
import {
  AGENT_PROVIDERS,
  AgentProvider,
  AUTH_MODES,
  AuthMode,
  BIND_MODES,
  BindMode,
  DM_POLICIES,
  DmPolicy,
  TAILSCALE_MODES,
  TailscaleMode,
} from '../../common/config/config.constants';
import { DEFAULT_GATEWAY_PORT } from '../../common/protocol/constants';
import { isLoopbackAddress } from '../../common/net/bind';

/** What onboarding asks for, from prompts or flags. Secrets included; they never go into the config file for a local gateway. */
export interface OnboardAnswers {
  mode: 'local' | 'remote';
  port?: number;
  bind?: BindMode;
  customBindHost?: string;
  tailscale?: TailscaleMode;
  auth?: AuthMode;
  token?: string;
  generateToken?: boolean;
  password?: string;
  telegramToken?: string;
  dmPolicy?: DmPolicy;
  allowFrom?: string[];
  provider?: AgentProvider;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  remoteUrl?: string;
  remoteToken?: string;
}

export interface OnboardPlan {
  /** The config file's content. */
  config: Record<string, unknown>;
  /** Lines for <stateDir>/gateway.env. */
  env: Record<string, string>;
  /** Also written to <stateDir>/gateway.token, where local nestclaw commands (and a gateway started without the env file) find it. */
  token?: string;
  generatedToken: boolean;
}

/** A problem with the answers; the message names the flag or answer to change. */
export class OnboardInputError extends Error {
  override name = 'OnboardInputError';
}

export const TELEGRAM_TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;

export function isNetworkBind(bind: BindMode, customBindHost?: string): boolean {
  if (bind === 'loopback' || bind === 'auto') return false;
  return !(bind === 'custom' && isLoopbackAddress(customBindHost));
}

export function tokenProblem(token: string): string | undefined {
  const weakness = secretWeakness(token, MIN_TOKEN_LENGTH, 8);
  return (
    weakness &&
    `the token is weak: ${weakness}; generate one (--generate-token) or use a random one such as \`openssl rand -hex 32\``
  );
}

export function passwordProblem(password: string): string | undefined {
  const weakness = secretWeakness(password, MIN_PASSWORD_LENGTH, 6);
  return (
    weakness && `the password is weak: ${weakness}; use ${MIN_PASSWORD_LENGTH} or more characters, e.g. several random words`
  );
}

export function remoteUrlProblem(url: string): string | undefined {
  try {
    const scheme = new URL(url).protocol;
    return scheme === 'ws:' || scheme === 'wss:' ? undefined : 'the remote URL must start with ws:// or wss://';
  } catch {
    return 'the remote URL is not a URL; use ws://host:port or wss://host:port';
  }
}

/** Turns answers into the config object, the env file lines and the token to store. Throws OnboardInputError. */
export function buildOnboardPlan(answers: OnboardAnswers, generateToken: () => string): OnboardPlan {
  if (answers.mode === 'remote') return remotePlan(answers);

  const bind = answers.bind ?? 'loopback';
  if (bind === 'custom' && !answers.customBindHost)
    throw new OnboardInputError('bind "custom" needs the address to listen on: --custom-bind-host <ip>');
  if (answers.customBindHost !== undefined && !isIP(answers.customBindHost)) {
    throw new OnboardInputError(
      `--custom-bind-host must be an IP address of this host (got ${JSON.stringify(answers.customBindHost)})`,
    );
  }
  const network = isNetworkBind(bind, answers.customBindHost);
  const tailscale = answers.tailscale ?? 'off';
  if (tailscale !== 'off' && network) {
    throw new OnboardInputError(
      `--tailscale ${tailscale} puts Tailscale in front of a loopback gateway: drop --bind ${bind} (or use --bind loopback)`,
    );
  }
  const auth = answers.auth ?? (tailscale === 'funnel' ? 'password' : 'token');
  if (tailscale === 'funnel' && auth !== 'password') {
    throw new OnboardInputError(
      '--tailscale funnel publishes the gateway on the internet and needs --auth password with a long --password',
    );
  }
  const env: Record<string, string> = {};
  let token: string | undefined;
  let generated = false;

  if (auth === 'token') {
    if (answers.password)
      throw new OnboardInputError('--password is for --auth password; in token mode use --token or --generate-token');
    if (answers.token && answers.generateToken) throw new OnboardInputError('give either --token or --generate-token, not both');
    if (answers.token) {
      const problem = tokenProblem(answers.token);
      if (problem) throw new OnboardInputError(problem);
      token = answers.token;
    } else if (answers.generateToken) {
      token = generateToken();
      generated = true;
    } else if (network) {
      throw new OnboardInputError(
        `bind "${bind}" listens beyond loopback and the gateway then needs a token you keep: add --generate-token (or --token <token>)`,
      );
    }
    if (token) env.NESTCLAW_GATEWAY_TOKEN = token;
  } else {
    if (answers.token || answers.generateToken)
      throw new OnboardInputError('--token and --generate-token are for --auth token; in password mode use --password');
    if (!answers.password) throw new OnboardInputError('--auth password needs --password <password>');
    const problem = passwordProblem(answers.password);
    if (problem) throw new OnboardInputError(problem);
    env.NESTCLAW_GATEWAY_PASSWORD = answers.password;
  }

  const gateway: Record<string, unknown> = { mode: 'local', port: answers.port ?? DEFAULT_GATEWAY_PORT, bind };
  if (bind === 'custom') gateway.customBindHost = answers.customBindHost;
  gateway.auth = { mode: auth };
  if (tailscale !== 'off') gateway.tailscale = { mode: tailscale };
  const config: Record<string, unknown> = { gateway };

  const telegram = telegramSection(answers);
  if (telegram) {
    config.channels = { telegram };
    env.TELEGRAM_BOT_TOKEN = answers.telegramToken!;
  }

  const provider = answers.provider ?? 'builtin';
  const agent: Record<string, unknown> = { provider };
  if (provider === 'openai') {
    if (!answers.model)
      throw new OnboardInputError('--provider openai needs --model <name> (a model your endpoint serves, e.g. gpt-4o-mini)');
    agent.model = answers.model;
    if (answers.baseUrl) agent.baseUrl = answers.baseUrl;
    if (answers.apiKey) env.OPENAI_API_KEY = answers.apiKey;
  } else if (answers.model || answers.baseUrl || answers.apiKey) {
    throw new OnboardInputError('--model, --base-url and --api-key are for --provider openai');
  }
  config.agent = agent;

  return { config, env, token, generatedToken: generated };
}

function telegramSection(answers: OnboardAnswers): Record<string, unknown> | undefined {
  if (!answers.telegramToken) {
    if (answers.dmPolicy || answers.allowFrom?.length)
      throw new OnboardInputError('--dm-policy and --allow-from need --telegram-token <token from @BotFather>');
    return undefined;
  }
  if (!TELEGRAM_TOKEN.test(answers.telegramToken)) {
    throw new OnboardInputError('the Telegram token does not look like a bot token from @BotFather (123456789:AA...)');
  }
  const dmPolicy = answers.dmPolicy ?? 'pairing';
  const allowFrom = answers.allowFrom ?? [];
  if (allowFrom.some((id) => !/^-?\d+$/.test(id)))
    throw new OnboardInputError('--allow-from takes Telegram user ids (numbers), comma-separated');
  if (dmPolicy === 'allowlist' && allowFrom.length === 0) {
    throw new OnboardInputError(
      '--dm-policy allowlist needs --allow-from <telegram user id,...> (your id: message @userinfobot)',
    );
  }
  return { enabled: true, dmPolicy, ...(allowFrom.length ? { allowFrom } : {}) };
}

function remotePlan(answers: OnboardAnswers): OnboardPlan {
  if (!answers.remoteUrl) throw new OnboardInputError('--mode remote needs --remote-url ws://host:port (wss:// with TLS)');
  const problem = remoteUrlProblem(answers.remoteUrl);
  if (problem) throw new OnboardInputError(problem);
  const local = Object.entries({
    '--port': answers.port,
    '--bind': answers.bind,
    '--tailscale': answers.tailscale,
    '--auth': answers.auth,
    '--token': answers.token,
    '--generate-token': answers.generateToken,
    '--password': answers.password,
    '--telegram-token': answers.telegramToken,
    '--provider': answers.provider,
  }).filter(([, value]) => value !== undefined && value !== false);
  if (local.length > 0) {
    throw new OnboardInputError(
      `${local.map(([flag]) => flag).join(', ')} configure a local gateway; with --mode remote give --remote-url and --remote-token`,
    );
  }
  // The CLI reads the remote token only from the config file: it goes there, and the file is 0600.
  const remote: Record<string, unknown> = {
    url: answers.remoteUrl,
    ...(answers.remoteToken ? { token: answers.remoteToken } : {}),
  };
  return { config: { gateway: { mode: 'remote', remote } }, env: {}, generatedToken: false };
}

/** Flag values as commander hands them over. */
export interface OnboardFlags {
  mode?: string;
  port?: string;
  bind?: string;
  customBindHost?: string;
  tailscale?: string;
  auth?: string;
  token?: string;
  generateToken?: boolean;
  password?: string;
  telegramToken?: string;
  dmPolicy?: string;
  allowFrom?: string;
  provider?: string;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  remoteUrl?: string;
  remoteToken?: string;
}

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new OnboardInputError(`${flag} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}

export function answersFromFlags(flags: OnboardFlags): OnboardAnswers {
  let port: number | undefined;
  if (flags.port !== undefined) {
    port = Number(flags.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new OnboardInputError(`--port must be a whole number from 1 to 65535 (got ${JSON.stringify(flags.port)})`);
  }
  return {
    mode: oneOf('--mode', flags.mode, ['local', 'remote'] as const) ?? 'local',
    port,
    bind: oneOf('--bind', flags.bind, BIND_MODES),
    customBindHost: flags.customBindHost,
    tailscale: oneOf('--tailscale', flags.tailscale, TAILSCALE_MODES),
    auth: oneOf('--auth', flags.auth, AUTH_MODES),
    token: flags.token,
    generateToken: flags.generateToken,
    password: flags.password,
    telegramToken: flags.telegramToken,
    dmPolicy: oneOf('--dm-policy', flags.dmPolicy, DM_POLICIES),
    allowFrom: flags.allowFrom
      ?.split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    provider: oneOf('--provider', flags.provider, AGENT_PROVIDERS),
    model: flags.model,
    baseUrl: flags.baseUrl,
    apiKey: flags.apiKey,
    remoteUrl: flags.remoteUrl,
    remoteToken: flags.remoteToken,
  };
}
