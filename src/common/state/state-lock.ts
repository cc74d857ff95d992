import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensurePrivateDir } from './secret-file';

export const STATE_LOCK_FILE = 'gateway.lock';

export type StateLock = { ok: true; release(): void } | { ok: false; pid: number; file: string };

/**
 * One gateway per state dir: two would share the database, the Telegram
 * offset and the pairing store. The lock is a file holding the owner's PID,
 * created exclusively; a lock whose process is gone (a crash, a kill -9) is
 * taken over. On Linux a PID reused by a program that is not nestclaw does
 * not count as the owner.
 */
export function acquireStateLock(stateDir: string, pid: number = process.pid): StateLock {
  ensurePrivateDir(stateDir);
  const file = path.join(stateDir, STATE_LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${pid}\n`, { mode: 0o600, flag: 'wx' });
      return { ok: true, release: () => releaseIfOwned(file, pid) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(readText(file) ?? '', 10);
    if (Number.isInteger(owner) && owner > 0 && owner !== pid && isNestclawProcess(owner)) {
      return { ok: false, pid: owner, file };
    }
    fs.rmSync(file, { force: true });
  }
  throw new Error(`${file} keeps coming back: is another gateway starting on this state dir right now?`);
}

function releaseIfOwned(file: string, pid: number): void {
  if (readText(file)?.trim() === String(pid)) fs.rmSync(file, { force: true });
}

function isNestclawProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, another user's; only ESRCH means gone.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmdline = readText(`/proc/${pid}/cmdline`);
  return cmdline === undefined || cmdline.includes('nestclaw');
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
