import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from './config-error';

export const GATEWAY_ENV_FILE = 'gateway.env';
/** A secrets file, not a script: anything larger is not what onboard wrote. */
const MAX_ENV_FILE_BYTES = 64 * 1024;
const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * Parses the KEY=value lines `nestclaw onboard` writes (the subset systemd's
 * EnvironmentFile=, a POSIX shell and docker --env-file agree on): comments,
 * blank lines, plain values and single-quoted values. Anything else is an
 * error naming the line, not a guess.
 */
export function parseEnvFile(text: string, source: string): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      problems.push(`line ${index + 1}: expected KEY=value (a comment starts with #)`);
      continue;
    }
    const raw = match[2].trim();
    const quoted = /^'([^']*)'$/.exec(raw) ?? /^"([^"\\$`]*)"$/.exec(raw);
    if (quoted) values[match[1]] = quoted[1];
    else if (/^[^'"\\$`\s]*$/.test(raw)) values[match[1]] = raw;
    else problems.push(`line ${index + 1}: the value of ${match[1]} must be plain or in single quotes`);
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return values;
}

/**
 * `<stateDir>/gateway.env`, read by the gateway itself so `gateway run` in a
 * terminal sees the same secrets as the systemd unit (which loads it with
 * EnvironmentFile=). Variables already in the environment win: an explicit
 * `TELEGRAM_BOT_TOKEN=… nestclaw gateway run` must not be overridden by a file.
 * A file others can write is refused: it decides the gateway's secrets.
 */
export function withGatewayEnvFile(env: NodeJS.ProcessEnv, homeDir: string = os.homedir()): NodeJS.ProcessEnv {
  const stateDir = env.NESTCLAW_STATE_DIR || path.join(homeDir, '.nestclaw');
  const file = path.join(stateDir.startsWith('~/') ? path.join(homeDir, stateDir.slice(2)) : stateDir, GATEWAY_ENV_FILE);
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return env;
    throw new ConfigError(file, [`cannot read the file (${code ?? 'error'}); check its owner and mode (0600)`]);
  }
  let text: string;
  try {
    const stat = fs.fstatSync(fd);
    if ((stat.mode & 0o022) !== 0) throw new ConfigError(file, [`it is writable by other users; run chmod 600 ${file}`]);
    if (stat.size > MAX_ENV_FILE_BYTES) throw new ConfigError(file, [`it is larger than ${MAX_ENV_FILE_BYTES} bytes`]);
    text = fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
  return { ...parseEnvFile(text, file), ...env };
}
