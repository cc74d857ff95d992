import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces `file` with `content`, readable by the owner only (0600), so that
 * a crash or a power cut leaves either the old file or the new one, never half
 * of either: write a temporary file beside it, fsync, rename over, fsync the
 * folder so the rename itself is on disk. With createSecretFileOnce, the one
 * way nestclaw writes secrets.
 */
export function writeSecretFileAtomic(file: string, content: string): void {
  const temporary = writeTemporary(file, content);
  try {
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  fsyncDir(path.dirname(file));
}

/**
 * Creates `file` (0600) with `content` only if it does not exist yet, and
 * returns whether it did: two processes starting at once agree on the first
 * one's file, and no reader ever sees it half written (the content is synced
 * in a temporary file, then linked in place, which fails if the name is taken).
 */
export function createSecretFileOnce(file: string, content: string): boolean {
  const temporary = writeTemporary(file, content);
  try {
    fs.linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  fsyncDir(path.dirname(file));
  return true;
}

function writeTemporary(file: string, content: string): string {
  // Random and exclusive: a stale temp file from a crash, or another process, is never reused.
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    try {
      // The mode given to open is narrowed by the umask; set it exactly.
      fs.fchmodSync(fd, 0o600);
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  return temporary;
}

function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    // Some platforms (Windows) cannot open a folder; the rename is still atomic there.
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a folder; nothing better can be done.
  } finally {
    fs.closeSync(fd);
  }
}
