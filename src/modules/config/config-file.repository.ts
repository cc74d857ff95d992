import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readConfigFileIfExists } from '../../common/config';
import { writeSecretFileAtomic } from '../../common/state';

/** How long file events settle before the file is read: editors write in several steps. */
const WATCH_SETTLE_MS = 150;

/** The config file on disk: read, replace atomically keeping a backup, watch for edits. */
@Injectable()
export class ConfigFileRepository {
  read(file: string): string | undefined {
    return readConfigFileIfExists(file);
  }

  /**
   * Keeps the current file as `<file>.bak` (0600: it may hold secrets), then
   * replaces the file atomically. Either step failing leaves the old file.
   */
  write(file: string, text: string): { backupPath?: string } {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const backupPath = this.keepBackup(file);
    writeSecretFileAtomic(file, text);
    return { backupPath };
  }

  /**
   * A hard link to the current file's inode, renamed over the old backup:
   * the bytes are already on disk, so nothing is copied or synced again.
   * Where links are refused, a copy.
   */
  private keepBackup(file: string): string | undefined {
    const backupPath = `${file}.bak`;
    const linkPath = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.bak`);
    try {
      fs.linkSync(file, linkPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      const previous = this.read(file);
      if (previous === undefined) return undefined;
      writeSecretFileAtomic(backupPath, previous);
      return backupPath;
    }
    try {
      fs.chmodSync(linkPath, 0o600);
      fs.renameSync(linkPath, backupPath);
    } catch (error) {
      fs.rmSync(linkPath, { force: true });
      throw error;
    }
    return backupPath;
  }

  /**
   * Calls `changed` after the file settles following any edit, including a
   * replace by rename (editors, our own writes): the folder is watched, not
   * the file, whose inode changes. Returns the stop function.
   */
  watch(file: string, changed: () => void): () => void {
    const dir = path.dirname(file);
    const name = path.basename(file);
    let timer: NodeJS.Timeout | undefined;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { persistent: false }, (_event, filename) => {
        if (filename !== null && filename.toString() !== name) return;
        clearTimeout(timer);
        timer = setTimeout(changed, WATCH_SETTLE_MS);
      });
    } catch {
      // No folder yet or no inotify: edits on disk are then picked up only through config.* or a restart.
      return () => undefined;
    }
    watcher.on('error', () => watcher.close());
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }
}
