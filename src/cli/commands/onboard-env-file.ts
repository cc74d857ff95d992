import * as fs from 'node:fs';
import { createSecretFileOnce, writeSecretFileAtomic } from '../../common/state';

/**
 * `<stateDir>/gateway.env`: the gateway's secrets as KEY=value lines, mode
 * 0600. systemd loads it with EnvironmentFile= (the unit from `gateway
 * install`); a shell loads it with `set -a; . FILE; set +a`.
 */
const TEMPLATE = [
  '# Secrets for the nestclaw gateway: keep this file mode 0600.',
  '# Loaded by the systemd unit from `nestclaw gateway install` (EnvironmentFile=),',
  '# or in a shell with: set -a; . ./gateway.env; set +a',
  '# One KEY=value per line, e.g.',
  '#   NESTCLAW_GATEWAY_TOKEN=<openssl rand -hex 32>',
  '#   TELEGRAM_BOT_TOKEN=123456:ABC...',
  '#   OPENAI_API_KEY=sk-...',
  '',
].join('\n');

/** Characters that mean the same to systemd, a POSIX shell and docker --env-file without quotes. */
const PLAIN = /^[A-Za-z0-9_\-.:@+/=,]*$/;

/**
 * A value as written after `KEY=`. Anything beyond the plain set is single-quoted
 * (systemd and sh both take single quotes literally); a value with a quote,
 * backslash or line break cannot be written safely for both and is refused.
 */
export function formatEnvValue(value: string): string {
  if (PLAIN.test(value)) return value;
  if (/['\\\n\r]/.test(value)) {
    throw new Error("a secret for gateway.env must not contain ' (single quote), \\ (backslash) or a line break");
  }
  return `'${value}'`;
}

/** Creates the file with comments only (0600) unless it exists; tightens a loose existing one. True when created. */
export function ensureEnvFile(file: string): boolean {
  if (createSecretFileOnce(file, TEMPLATE)) return true;
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return false;
}

/** Sets the given keys, keeping every other line (comments included); written whole, 0600. */
export function mergeEnvFile(file: string, entries: Readonly<Record<string, string>>): void {
  const formatted = Object.entries(entries).map(([key, value]) => [key, `${key}=${formatEnvValue(value)}`] as const);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    text = TEMPLATE;
  }
  const pending = new Map(formatted);
  const lines: string[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const key = line.match(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/)?.[1];
    if (key === undefined || !Object.hasOwn(entries, key)) {
      lines.push(line);
    } else if (pending.has(key)) {
      lines.push(pending.get(key)!);
      pending.delete(key);
    }
    // A repeated key is dropped: the last assignment would win and bring the old value back.
  }
  lines.push(...pending.values());
  writeSecretFileAtomic(file, `${lines.join('\n')}\n`);
}
