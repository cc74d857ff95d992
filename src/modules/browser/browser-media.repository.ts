import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GatewayRuntime } from '../config/gateway-runtime';

/** Screenshots wait here until the channel has sent them; older ones are deleted. */
const KEEP_MS = 24 * 60 * 60_000;
const KEEP_FILES = 200;

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
