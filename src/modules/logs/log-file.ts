import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LogFileOptions {
  path: string;
  /** The file is rotated before a write would take it past this size. */
  maxBytes: number;
  /** Rotated files kept beside it: gateway.log.1 (newest) … gateway.log.N. */
  keep: number;
}

/**
 * The append-only log file, rotated by size. Writes are synchronous on
 * purpose: a log line must be on disk in order, before the next one, and
 * offsets handed out by `logs.tail` must match the bytes in the file.
 * The file and its directory are private (0600/0700): lines carry chat text.
 */
export class LogFile {
  private fd?: number;
  private bytes = 0;

  constructor(private readonly options: LogFileOptions) {}

  get path(): string {
    return this.options.path;
  }

  /** Size of the current file in bytes, as far as this writer knows. */
  get size(): number {
    return this.bytes;
  }

  open(): void {
    fs.mkdirSync(path.dirname(this.options.path), { recursive: true, mode: 0o700 });
    this.fd = fs.openSync(this.options.path, 'a+', 0o600);
    fs.fchmodSync(this.fd, 0o600);
    this.bytes = fs.fstatSync(this.fd).size;
  }

  /** Appends the text; returns true when the file was rotated first (offsets start again at 0). */
  append(text: string): boolean {
    if (this.fd === undefined) throw new Error('log file is not open');
    const data = Buffer.from(text, 'utf8');
    let rotated = false;
    if (this.bytes > 0 && this.bytes + data.length > this.options.maxBytes) {
      this.rotate();
      rotated = true;
    }
    fs.writeSync(this.fd!, data);
    this.bytes += data.length;
    return rotated;
  }

  /** The bytes in [start, end) of the current file. */
  read(start: number, end: number): Buffer {
    if (this.fd === undefined || end <= start) return Buffer.alloc(0);
    const buffer = Buffer.alloc(end - start);
    const read = fs.readSync(this.fd, buffer, 0, buffer.length, start);
    return buffer.subarray(0, read);
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private rotate(): void {
    this.close();
    const base = this.options.path;
    fs.rmSync(`${base}.${this.options.keep}`, { force: true });
    for (let i = this.options.keep - 1; i >= 1; i--) {
      if (fs.existsSync(`${base}.${i}`)) fs.renameSync(`${base}.${i}`, `${base}.${i + 1}`);
    }
    fs.renameSync(base, `${base}.1`);
    this.open();
  }
}
