import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Clock } from '../../src/common/clock';
import type { IdSource } from '../../src/common/ids';
import { configSource, loadConfig, ResolvedConfig } from '../../src/common/config';
import { startGateway, RunningGateway } from '../../src/main';

export interface TestAppOptions {
  /** The config file's content (JSON5 text or an object). */
  config?: string | object;
  env?: Record<string, string>;
  clock?: Clock;
  ids?: IdSource;
  /** An existing state dir to reuse (kept on close); by default a fresh one that close() deletes. */
  stateDir?: string;
  /** Writes the config to <stateDir>/nestclaw.json (0600), where config.* edits and the file watcher work on it. */
  configOnDisk?: boolean;
}

export interface TestApp {
  gateway: RunningGateway;
  config: ResolvedConfig;
  /** ws:// or, with gateway.tls.enabled, wss:// on 127.0.0.1. */
  url: string;
  /** http:// or https:// on 127.0.0.1. */
  httpUrl: string;
  port: number;
  /** The secret clients must present: configured or generated. */
  token: string;
  stateDir: string;
  close(): Promise<void>;
}

export function makeStateDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-test-'));
}

/** Throwaway state dirs for a suite: `make()` in tests, `removeAll()` in afterAll. */
export function stateDirPool(): { make(): string; removeAll(): void } {
  const dirs: string[] = [];
  return {
    make: () => {
      const dir = makeStateDir();
      dirs.push(dir);
      return dir;
    },
    removeAll: () => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })),
  };
}

/** The real gateway on 127.0.0.1 with a free port and a throwaway state dir. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const stateDir = options.stateDir ?? makeStateDir();
  const text = typeof options.config === 'string' ? options.config : JSON.stringify(options.config ?? {});
  const env = { NESTCLAW_STATE_DIR: stateDir, ...options.env };
  if (options.configOnDisk) fs.writeFileSync(path.join(stateDir, 'nestclaw.json'), text, { mode: 0o600 });
  const config = loadConfig({ env, homeDir: stateDir, readFile: () => text });
  const gateway = await startGateway({
    config,
    listenPort: 0,
    logLevels: process.env.NESTCLAW_TEST_LOGS ? ['log', 'warn', 'error'] : false,
    clock: options.clock,
    ids: options.ids,
    configSource: configSource({ env, homeDir: stateDir }),
  });
  const token =
    config.gateway.auth.mode === 'password'
      ? config.gateway.auth.password!
      : (config.gateway.auth.token ?? fs.readFileSync(path.join(stateDir, 'gateway.token'), 'utf8').trim());
  const secure = gateway.tlsFingerprint !== undefined;
  return {
    gateway,
    config,
    url: `${secure ? 'wss' : 'ws'}://127.0.0.1:${gateway.port}`,
    httpUrl: `${secure ? 'https' : 'http'}://127.0.0.1:${gateway.port}`,
    port: gateway.port,
    token,
    stateDir,
    close: async () => {
      await gateway.close();
      if (!options.stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
