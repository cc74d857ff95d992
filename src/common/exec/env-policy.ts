/**
 * Which environment variables a caller may set for a command under the
 * `allowlist` and `ask` exec policies, on a node host and on the gateway
 * host alike (docs/node-host.md, "Environment").
 *
 * An allowlist, not a denylist: too many variables make a program load or
 * run other code (LD_PRELOAD, BASH_ENV, LESSOPEN, PYTHONWARNINGS+BROWSER,
 * GIT_*, every interpreter's *_OPTIONS...) for any list of them to be
 * complete. The names here only describe the terminal, the locale and the
 * time zone, and their values are held to shapes that cannot name a file to
 * load. Anything else passes only when a policy entry names it.
 */
/** Bounds on a caller's env: a command needs a few variables, not a megabyte of them. */
export const MAX_ENV_VARIABLES = 64;
export const MAX_ENV_NAME_LENGTH = 128;
export const MAX_ENV_VALUE_LENGTH = 8_192;

export const SAFE_EXEC_ENV_NAMES = ['TERM', 'COLUMNS', 'LINES', 'NO_COLOR', 'TZ', 'LANG', 'LC_*'] as const;

/** Said in refusals and docs. */
export const SAFE_EXEC_ENV_LIST = SAFE_EXEC_ENV_NAMES.join(', ');

const LOCALE_VALUE = /^[A-Za-z0-9_.@+-]{0,64}$/;

/** Each safe name with the values it accepts; a value that looks like a path is refused. */
const SAFE_VALUES: ReadonlyArray<{ name: RegExp; value: (value: string) => boolean; shape: string }> = [
  { name: /^TERM$/, value: (v) => /^[A-Za-z0-9._+-]{1,64}$/.test(v), shape: 'a terminal type (letters, digits, . _ + -)' },
  { name: /^(COLUMNS|LINES)$/, value: (v) => /^[0-9]{1,5}$/.test(v), shape: 'a whole number' },
  { name: /^NO_COLOR$/, value: (v) => /^[A-Za-z0-9]{0,16}$/.test(v), shape: 'empty or a short word such as 1' },
  { name: /^TZ$/, value: isTimeZone, shape: 'a time zone such as Europe/Paris or UTC-3 (no absolute path, no "..")' },
  { name: /^(LANG|LC_[A-Z]+)$/, value: (v) => LOCALE_VALUE.test(v), shape: 'a locale such as C.UTF-8 (no "/")' },
];

function isTimeZone(value: string): boolean {
  // A TZ naming a file (an absolute path, or ":" and one) reads that file; zone names stay under the system's zoneinfo.
  return /^:?[A-Za-z0-9_+\-,.<>/]{1,64}$/.test(value) && !/^:?\//.test(value) && !value.includes('..');
}

export type EnvRefusal = { name: string; problem: 'not-allowed' } | { name: string; problem: 'bad-value'; shape: string };

export type EnvCheck = { ok: true } | { ok: false; refused: EnvRefusal[] };

/**
 * Whether every variable in `env` may be set: a safe name with a value of
 * its shape, or a name in `namedByPolicy` (any value: an operator chose it
 * for that program). Pure, so both hosts decide exactly alike.
 */
export function checkExecEnv(env: Readonly<Record<string, string>> | undefined, namedByPolicy: readonly string[] = []): EnvCheck {
  const refused: EnvRefusal[] = [];
  for (const [name, value] of Object.entries(env ?? {})) {
    if (namedByPolicy.includes(name)) continue;
    const rule = SAFE_VALUES.find((candidate) => candidate.name.test(name));
    if (!rule) refused.push({ name, problem: 'not-allowed' });
    else if (!rule.value(value)) refused.push({ name, problem: 'bad-value', shape: rule.shape });
  }
  return refused.length === 0 ? { ok: true } : { ok: false, refused };
}

/**
 * One sentence naming each refused variable and how to allow it;
 * `howToAllow` completes "to pass <names>, ...". Values are never quoted:
 * they may be secrets.
 */
export function describeEnvRefusal(refused: readonly EnvRefusal[], howToAllow: string): string {
  const names = refused.map((entry) => entry.name);
  const parts = refused.map((entry) =>
    entry.problem === 'not-allowed'
      ? `${entry.name} is not one of the variables a command may be given (${SAFE_EXEC_ENV_LIST})`
      : `the value of ${entry.name} must be ${entry.shape}`,
  );
  return `env refused: ${parts.join('; ')}. To pass ${names.join(', ')}, ${howToAllow}`;
}
