import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces `file` with `content`, readable by the owner only (0600), so that
 * a crash or a power cut leaves either the old file or the new one, never half
 * of either: write a temporary file beside it, fsync, rename over, fsync the
 * folder so the rename itself is on disk. The one way nestclaw writes secrets.
 */
export function writeSecretFileAtomic(file: string, content: string): void {
  const dir = path.dirname(file);
  // Random and exclusive: a stale temp file from a crash, or another process, is never reused.
  const temporary = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
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
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  fsyncDir(dir);
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
