import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkFileModes, gatherAuditFacts } from '../../common/audit';
import type { ResolvedConfig } from '../../common/config';
import { UNIT_FILE, UNIT_NAME } from '../commands/gateway-install-unit';
import type { HopResult } from './doctor.types';

const TAILSCALE_TIMEOUT_MS = 5_000;
const MAX_TAILSCALE_OUTPUT = 1024 * 1024;

/** Loose modes on secret files do not stop the walk (the gateway still works), but they are reported with the fix. */
export function checkStateDir(config: ResolvedConfig): HopResult {
  if (!fs.existsSync(config.stateDir)) {
    return {
      hop: 'state-dir',
      status: 'warn',
      detail: `${config.stateDir} does not exist yet`,
      fix: 'run `nestclaw onboard` (or start the gateway once) to create it',
    };
  }
  const findings = checkFileModes(gatherAuditFacts(config));
  if (findings.length === 0)
    return { hop: 'state-dir', status: 'ok', detail: `${config.stateDir}: private files are 0600, directories 0700` };
  return {
    hop: 'state-dir',
    status: 'warn',
    detail: findings.map((finding) => finding.message).join('; '),
    fix: 'run `nestclaw security audit --fix`',
  };
}

/** Test hooks shared with `gateway install` (docs/operations.md). */
function unitCandidates(): string[] {
  const override = process.env.NESTCLAW_SYSTEMD_DIR;
  if (override) return [path.join(path.resolve(override), UNIT_FILE)];
  const configHome = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return [path.join(configHome, 'systemd', 'user', UNIT_FILE), path.join('/etc/systemd/system', UNIT_FILE)];
}

export function checkService(): HopResult {
  const unit = unitCandidates().find((file) => fs.existsSync(file));
  if (!unit) {
    return {
      hop: 'service',
      status: 'skip',
      detail: `no ${UNIT_FILE} installed; the gateway runs only while \`nestclaw gateway run\` does (\`nestclaw gateway install\` makes it a service)`,
    };
  }
  const scope = unit.startsWith('/etc/') ? '' : '--user ';
  return {
    hop: 'service',
    status: 'ok',
    detail: `${unit} is installed; \`systemctl ${scope}status ${UNIT_NAME}\` shows whether it runs`,
  };
}

/**
 * Which process listens on the port, from /proc (Linux; only processes of
 * this user are visible). Answers the "something else holds the port" case.
 */
export function portOwner(port: number): string | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT" in hex; state 0A is LISTEN.
      if (fields.length > 9 && fields[3] === '0A' && parseInt(fields[1].split(':')[1] ?? '', 16) === port) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of safeReaddir('/proc').filter((name) => /^\d+$/.test(name))) {
    for (const fd of safeReaddir(`/proc/${pid}/fd`)) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode && inodes.has(inode)) return `pid ${pid} (${commandLine(pid)})`;
    }
  }
  return 'a process of another user';
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function commandLine(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 160);
  } catch {
    return 'unknown command';
  }
}

export async function checkTailscale(config: ResolvedConfig): Promise<HopResult> {
  const mode = config.gateway.tailscale.mode;
  if (mode === 'off') return { hop: 'tailscale', status: 'skip', detail: 'gateway.tailscale.mode is off' };
  const outcome = await new Promise<{ ok: boolean; text: string }>((resolve) =>
    execFile(
      'tailscale',
      ['status', '--json'],
      { timeout: TAILSCALE_TIMEOUT_MS, maxBuffer: MAX_TAILSCALE_OUTPUT, encoding: 'utf8', env: process.env },
      (error, stdout, stderr) =>
        resolve(error ? { ok: false, text: `${stderr}`.trim() || error.message } : { ok: true, text: stdout }),
    ),
  );
  const fix = `start it (\`sudo systemctl start tailscaled\`, then \`tailscale up\`); the gateway needs it for tailscale ${mode}`;
  if (!outcome.ok)
    return {
      hop: 'tailscale',
      status: 'fail',
      detail: `tailscale is not usable: ${outcome.text.split('\n')[0].slice(0, 200)}`,
      fix,
    };
  let state = 'unknown';
  try {
    state = String((JSON.parse(outcome.text) as { BackendState?: unknown }).BackendState ?? 'unknown');
  } catch {
    // An unparsable answer is reported as the unknown state below.
  }
  if (state !== 'Running') return { hop: 'tailscale', status: 'fail', detail: `tailscaled is ${state.slice(0, 40)}`, fix };
  return { hop: 'tailscale', status: 'ok', detail: `tailscaled is Running; the gateway uses tailscale ${mode}` };
}
