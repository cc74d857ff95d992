import { Injectable } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readConfigFileIfExists } from '../../common/config';
import { ensurePrivateDir, writeSecretFileAtomic } from '../../common/state';

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
    ensurePrivateDir(path.dirname(file));
    const previous = this.read(file);
    let backupPath: string | undefined;
    if (previous !== undefined) {
      backupPath = `${file}.bak`;
      writeSecretFileAtomic(backupPath, previous);
    }
    writeSecretFileAtomic(file, text);
    return { backupPath };
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
