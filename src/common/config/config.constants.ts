/** Value lists shared by the schema and the loader; kept apart so loading config needs no class-validator. */
export const BIND_MODES = ['loopback', 'lan', 'tailnet', 'auto', 'custom'] as const;
export type BindMode = (typeof BIND_MODES)[number];
export const AUTH_MODES = ['token', 'password'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
export const TAILSCALE_MODES = ['off', 'serve', 'funnel'] as const;
export type TailscaleMode = (typeof TAILSCALE_MODES)[number];
export const DM_POLICIES = ['pairing', 'allowlist', 'open', 'disabled'] as const;
export type DmPolicy = (typeof DM_POLICIES)[number];
export const AGENT_PROVIDERS = ['builtin', 'openai'] as const;
export type AgentProvider = (typeof AGENT_PROVIDERS)[number];
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
