import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const FAKE_TAILSCALE_DIR = __dirname;
const SCRIPT = path.join(FAKE_TAILSCALE_DIR, 'tailscale');

export interface FakeTailscaleOptions {
  /** What `status --json` answers (default "running"). */
  status?: 'running' | 'logged-out' | 'daemon-down';
  /** A sub-command that fails whatever it is asked: "serve", "funnel" or "whois". */
  fail?: 'serve' | 'funnel' | 'whois';
  /** Leave `tailscale` off PATH entirely. */
  missing?: boolean;
  /** `whois` answers only after this long, like a busy tailscaled. */
  whoisDelayMs?: number;
}

/**
 * The fake `tailscale` (a node script beside this file) first on PATH, with
 * its call log in a temp dir. `env` is for child processes; `install()` puts
 * the same into this process's environment for in-process gateways and
 * returns the undo.
 */
export class FakeTailscale {
  readonly env: Record<string, string>;
  private readonly tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nestclaw-fake-tailscale-'));
  readonly logPath = path.join(this.tempDir, 'calls.log');

  constructor(options: FakeTailscaleOptions = {}) {
    fs.chmodSync(SCRIPT, 0o755);
    const emptyDir = path.join(this.tempDir, 'empty-bin');
    fs.mkdirSync(emptyDir);
    // The script's `#!/usr/bin/env node` needs node on PATH; a missing tailscale needs nothing else there.
    const searchPath = options.missing
      ? emptyDir
      : [FAKE_TAILSCALE_DIR, path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter);
    const status = options.status ?? 'running';
    this.env = {
      PATH: searchPath,
      FAKE_TAILSCALE_LOG: this.logPath,
      FAKE_TAILSCALE_STATUS: status === 'daemon-down' ? status : path.join(FAKE_TAILSCALE_DIR, `status-${status}.json`),
      FAKE_TAILSCALE_WHOIS: path.join(FAKE_TAILSCALE_DIR, 'whois.json'),
      FAKE_TAILSCALE_FAIL: options.fail ?? '',
      FAKE_TAILSCALE_WHOIS_DELAY_MS: String(options.whoisDelayMs ?? 0),
    };
  }

  install(): () => void {
    const saved = Object.fromEntries(Object.keys(this.env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, this.env);
    return () => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };
  }

  /** Every argument list the fake was called with, oldest first. */
  calls(): string[][] {
    if (!fs.existsSync(this.logPath)) return [];
    return fs
      .readFileSync(this.logPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
  }

  callsOf(command: string): string[][] {
    return this.calls().filter((args) => args[0] === command);
  }

  clearCalls(): void {
    fs.rmSync(this.logPath, { force: true });
  }

  dispose(): void {
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
