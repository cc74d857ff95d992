/** What a command gets from the node host's own environment: enough to run, no secrets. */
const INHERITED_KEYS = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'TZ',
  'TMPDIR',
] as const;

export const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The base every command starts from: a few harmless variables of the node
 * host, never the rest (which may hold gateway tokens or cloud credentials).
 */
export function baseEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of INHERITED_KEYS) {
    const value = source[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  env.PATH ??= FALLBACK_PATH;
  return env;
}

/** The request's variables over the base. */
export function mergeEnv(base: Record<string, string>, overrides: Record<string, string> | undefined): Record<string, string> {
  return { ...base, ...(overrides ?? {}) };
}
