import * as fs from 'node:fs';
import { ConfigError } from './config-error';
import { SECRET_ENV_VARS } from './config-secrets';
import { LoadConfigInput, loadConfig, ResolvedConfig } from './load-config';

/**
 * How the running gateway turns config file text into its effective config:
 * loadConfig with the environment and flags it started with, so a reload is
 * validated and resolved exactly as start-up was.
 */
export interface ConfigSource {
  /** Text undefined means "no file". Throws ConfigError with the key paths. */
  resolve(text: string | undefined): ResolvedConfig;
  /** Secret values the gateway got from its environment; never to be written to the file. */
  readonly environmentSecrets: readonly string[];
}

export function configSource(input: Omit<LoadConfigInput, 'readFile'>): ConfigSource {
  const environmentSecrets = SECRET_ENV_VARS.map((name) => input.env[name]).filter((v): v is string => Boolean(v));
  return {
    resolve: (text) => loadConfig({ ...input, readFile: () => text }),
    environmentSecrets,
  };
}

/** The file's text, undefined when it does not exist. */
export function readConfigFileIfExists(filePath: string): string | undefined {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new ConfigError(filePath, [`cannot read the file (${code ?? 'unknown error'}); check that it is a readable file`]);
  }
}
