import * as fs from 'node:fs';
import * as os from 'node:os';
import { ConfigError } from './config-error';
import { CliOverrides, loadConfig, ResolvedConfig } from './load-config';

/** loadConfig wired to the real process environment and file system. */
export function loadConfigFromProcess(overrides?: CliOverrides, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  return loadConfig({ env, homeDir: os.homedir(), readFile: readIfExists, overrides });
}

function readIfExists(filePath: string): string | undefined {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(filePath, [`cannot read the file (${code ?? 'unknown error'}); check that it is a readable file`]);
  }
}
