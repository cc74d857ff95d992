import * as os from 'node:os';
import { configSource, ConfigSource, readConfigFileIfExists } from './config-source';
import { CliOverrides, loadConfig, ResolvedConfig } from './load-config';

/** loadConfig wired to the real process environment and file system. */
export function loadConfigFromProcess(overrides?: CliOverrides): ResolvedConfig {
  return loadConfig({ env: process.env, homeDir: os.homedir(), readFile: readConfigFileIfExists, overrides });
}

/** The source a gateway started by loadConfigFromProcess reloads its file with. */
export function configSourceFromProcess(overrides?: CliOverrides): ConfigSource {
  return configSource({ env: process.env, homeDir: os.homedir(), overrides });
}
