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
 * Variables that make a program load or run other code (dynamic loader,
 * interpreter start-up files). Under the allowlist policy they would turn an
 * approved binary into anything, so they are refused there.
 */
const CODE_LOADING_ENV =
  /^(LD_.+|DYLD_.+|NODE_OPTIONS|NODE_PATH|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|IFS|PYTHONPATH|PYTHONSTARTUP|PYTHONHOME|PERL5LIB|PERL5OPT|PERLLIB|RUBYLIB|RUBYOPT|GCONV_PATH|GIT_EXEC_PATH|GIT_SSH|GIT_SSH_COMMAND|GIT_CONFIG_GLOBAL|GIT_CONFIG_SYSTEM|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS)$/;

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

export function codeLoadingKeys(env: Record<string, string> | undefined): string[] {
  return Object.keys(env ?? {}).filter((key) => CODE_LOADING_ENV.test(key));
}
