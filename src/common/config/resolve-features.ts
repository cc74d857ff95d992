import type { AgentProvider, DmPolicy } from './config.constants';
import type { ConfigFile } from './config.schema';

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';
export const DEFAULT_TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

export interface ResolvedTelegram {
  enabled: boolean;
  botToken?: string;
  /** 'env:TELEGRAM_BOT_TOKEN' or 'config', for messages; never the token itself. */
  botTokenSource?: string;
  dmPolicy: DmPolicy;
  allowFrom: readonly string[];
  /** channels.telegram.approvers as given; empty when unset (the owner approves). */
  approvers: readonly string[];
  apiRoot: string;
  /** Present in webhook mode; long polling otherwise. */
  webhook?: { url: string; path: string; secret?: string };
  groups: { enabled: boolean; requireMention: boolean; allowFrom: readonly string[] };
}

export interface ResolvedAgent {
  provider: AgentProvider;
  model?: string;
  baseUrl?: string;
  apiKey?: string;
  systemPrompt?: string;
  timeoutMs: number;
  maxConcurrent: number;
  maxSteps: number;
  historyLimit: number;
}

export interface ResolvedTools {
  exec: { enabled: boolean; allowlist: readonly string[]; ask: boolean };
  browser: ResolvedBrowser;
}

export interface ResolvedBrowser {
  enabled: boolean;
  /** Unset: the system Chromium/Chrome found on PATH when the browser first starts. */
  executablePath?: string;
  allowUrls: readonly string[];
  denyUrls: readonly string[];
  node?: string;
  headless: boolean;
  actionTimeoutMs: number;
  idleTimeoutMs: number;
  snapshotMaxChars: number;
}

export const BROWSER_DEFAULTS = Object.freeze({ actionTimeoutMs: 20_000, idleTimeoutMs: 10 * 60_000, snapshotMaxChars: 12_000 });

export const AGENT_DEFAULTS = Object.freeze({ timeoutMs: 120_000, maxConcurrent: 4, maxSteps: 8, historyLimit: 50 });

/** Channels, agent and tools: file values with the environment fallbacks DESIGN.md names. */
export function resolveFeatures(file: ConfigFile, env: Readonly<Record<string, string | undefined>>) {
  return { telegram: resolveTelegram(file, env), agent: resolveAgent(file, env), tools: resolveTools(file) };
}

function resolveTelegram(file: ConfigFile, env: Readonly<Record<string, string | undefined>>): ResolvedTelegram {
  const section = file.channels?.telegram ?? {};
  const fromConfig = section.botToken;
  const botToken = fromConfig ?? (env.TELEGRAM_BOT_TOKEN || undefined);
  return {
    enabled: section.enabled ?? false,
    botToken,
    botTokenSource: fromConfig ? 'channels.telegram.botToken' : botToken ? 'env:TELEGRAM_BOT_TOKEN' : undefined,
    dmPolicy: section.dmPolicy ?? 'pairing',
    allowFrom: (section.allowFrom ?? []).map(String),
    approvers: (section.approvers ?? []).map(String),
    apiRoot: (section.apiRoot ?? TELEGRAM_API_ROOT).replace(/\/+$/, ''),
    webhook: section.webhookUrl
      ? { url: section.webhookUrl, path: section.webhookPath ?? DEFAULT_TELEGRAM_WEBHOOK_PATH, secret: section.webhookSecret }
      : undefined,
    groups: {
      enabled: section.groups?.enabled ?? true,
      requireMention: section.groups?.requireMention ?? true,
      allowFrom: (section.groups?.allowFrom ?? []).map(String),
    },
  };
}

function resolveAgent(file: ConfigFile, env: Readonly<Record<string, string | undefined>>): ResolvedAgent {
  const section = file.agent ?? {};
  return {
    provider: section.provider ?? 'builtin',
    model: section.model,
    baseUrl: section.baseUrl,
    apiKey: section.apiKey ?? (env.OPENAI_API_KEY || undefined),
    systemPrompt: section.systemPrompt,
    timeoutMs: section.timeoutMs ?? AGENT_DEFAULTS.timeoutMs,
    maxConcurrent: section.maxConcurrent ?? AGENT_DEFAULTS.maxConcurrent,
    maxSteps: section.maxSteps ?? AGENT_DEFAULTS.maxSteps,
    historyLimit: section.historyLimit ?? AGENT_DEFAULTS.historyLimit,
  };
}

function resolveTools(file: ConfigFile): ResolvedTools {
  const exec = file.tools?.exec ?? {};
  return {
    exec: { enabled: exec.enabled ?? false, allowlist: exec.allowlist ?? [], ask: exec.ask ?? false },
    browser: resolveBrowser(file.tools?.browser ?? {}),
  };
}

function resolveBrowser(section: NonNullable<NonNullable<ConfigFile['tools']>['browser']>): ResolvedBrowser {
  return {
    enabled: section.enabled ?? false,
    executablePath: section.executablePath,
    allowUrls: section.allowUrls ?? [],
    denyUrls: section.denyUrls ?? [],
    node: section.node,
    headless: section.headless ?? true,
    actionTimeoutMs: section.actionTimeoutMs ?? BROWSER_DEFAULTS.actionTimeoutMs,
    idleTimeoutMs: section.idleTimeoutMs ?? BROWSER_DEFAULTS.idleTimeoutMs,
    snapshotMaxChars: section.snapshotMaxChars ?? BROWSER_DEFAULTS.snapshotMaxChars,
  };
}
