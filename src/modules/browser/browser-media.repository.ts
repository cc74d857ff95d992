import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChatMediaChunk } from '../../common/protocol';
import { GatewayRuntime } from '../config/gateway-runtime';

/** Screenshots wait here until the channel has sent them; older ones are deleted. */
const KEEP_MS = 24 * 60 * 60_000;
const KEEP_FILES = 200;
/** What a media id looks like: the file name savePng gives, nothing else (no separators, no dots but the one). */
export const MEDIA_ID_PATTERN = /^screenshot-\d{1,16}-[0-9a-f]{12}\.png$/;
/**
 * A picture goes to the Control UI in pieces of this many bytes, so one answer
 * stays far below the per-connection send buffer (1.5 MiB by default). A
 * multiple of 3, so the pieces' base64 strings simply concatenate.
 */
export const MEDIA_CHUNK_BYTES = 192 * 1024;
/** The largest picture stored or served; the browser tool refuses bigger screenshots too. */
export const MEDIA_MAX_BYTES = 8 * 1024 * 1024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Whether bytes start like a PNG file: only those are stored and served as pictures. */
export function isPng(bytes: Buffer): boolean {
  return bytes.length >= PNG_MAGIC.length && bytes.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC);
}

export interface StoredImage {
  path: string;
  mimeType: 'image/png';
}

/**
 * Screenshot files under <stateDir>/browser/media, written 0600 (a page may
 * show the owner's private data). Replies refer to them by path, so a queued
 * reply survives a restart with its picture.
 */
@Injectable()
export class BrowserMediaRepository {
  private readonly dir: string;

  constructor(runtime: GatewayRuntime) {
    this.dir = path.join(runtime.config.stateDir, 'browser', 'media');
  }

  /** Wall-clock time, not the injected clock: files are aged by their mtime, which the filesystem stamps. */
  savePng(png: Buffer, now = Date.now()): StoredImage {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.prune(now);
    const file = path.join(this.dir, `screenshot-${now}-${randomBytes(6).toString('hex')}.png`);
    fs.writeFileSync(file, png, { mode: 0o600 });
    return { path: file, mimeType: 'image/png' };
  }

  /** Whether a path is one of ours: only those may be sent as a reply's picture. */
  owns(file: string): boolean {
    const resolved = path.resolve(file);
    return path.dirname(resolved) === this.dir && fs.existsSync(resolved);
  }

  /** The id a chat event names a stored picture by (its file name), or undefined for a file that is not ours. */
  idOf(file: string): string | undefined {
    const name = path.basename(file);
    return this.owns(file) && MEDIA_ID_PATTERN.test(name) ? name : undefined;
  }

  /**
   * One piece of a stored picture, by id. The id is matched against the one
   * pattern savePng writes, so no caller can name another file; anything
   * missing, pruned, oversized or not a PNG reads as absent.
   */
  readChunk(mediaId: string, offset: number): ChatMediaChunk | undefined {
    if (!MEDIA_ID_PATTERN.test(mediaId) || !Number.isSafeInteger(offset) || offset < 0) return undefined;
    let fd: number;
    try {
      fd = fs.openSync(path.join(this.dir, mediaId), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch {
      return undefined;
    }
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile() || stat.size > MEDIA_MAX_BYTES || stat.size < PNG_MAGIC.length || offset >= stat.size) return undefined;
      const magic = Buffer.alloc(PNG_MAGIC.length);
      fs.readSync(fd, magic, 0, magic.length, 0);
      if (!isPng(magic)) return undefined;
      const piece = Buffer.alloc(Math.min(MEDIA_CHUNK_BYTES, stat.size - offset));
      const read = fs.readSync(fd, piece, 0, piece.length, offset);
      return {
        mediaId,
        mimeType: 'image/png',
        bytes: stat.size,
        offset,
        dataBase64: piece.subarray(0, read).toString('base64'),
        done: offset + read >= stat.size,
      };
    } finally {
      fs.closeSync(fd);
    }
  }

  private prune(now: number): void {
    const entries = fs
      .readdirSync(this.dir)
      .filter((name) => name.endsWith('.png'))
      .map((name) => ({ file: path.join(this.dir, name), mtimeMs: fs.statSync(path.join(this.dir, name)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    entries.forEach((entry, index) => {
      if (index >= KEEP_FILES || now - entry.mtimeMs > KEEP_MS) fs.rmSync(entry.file, { force: true });
    });
  }
}
