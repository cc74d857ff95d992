import * as os from 'node:os';
import { configSource, ConfigSource, readConfigFileIfExists } from './config-source';
import { CliOverrides, loadConfig, ResolvedConfig } from './load-config';

/** loadConfig wired to the real process environment and file system. */
export function loadConfigFromProcess(overrides?: CliOverrides, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  return loadConfig({ env, homeDir: os.homedir(), readFile: readConfigFileIfExists, overrides });
}

/** The source a gateway started by loadConfigFromProcess reloads its file with. */
export function configSourceFromProcess(overrides?: CliOverrides, env: NodeJS.ProcessEnv = process.env): ConfigSource {
  return configSource({ env, homeDir: os.homedir(), overrides });
}
