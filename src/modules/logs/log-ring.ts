/** One physical log line and where it sits in the log stream (byte offsets, end exclusive of its newline). */
export interface RingLine {
  start: number;
  end: number;
  text: string;
}

/**
 * The newest log lines, bounded both in count and in bytes, so a burst of
 * large lines cannot grow the gateway's memory.
 */
export class LogRing {
  private lines: RingLine[] = [];
  private head = 0;
  private bytes = 0;

  constructor(
    readonly maxLines: number,
    readonly maxBytes: number,
  ) {}

  push(line: RingLine): void {
    this.lines.push(line);
    this.bytes += line.text.length;
    while (this.size > this.maxLines || (this.bytes > this.maxBytes && this.size > 1)) {
      this.bytes -= this.lines[this.head].text.length;
      this.head++;
    }
    // Compact now and then instead of shifting on every push.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  clear(): void {
    this.lines = [];
    this.head = 0;
    this.bytes = 0;
  }

  get size(): number {
    return this.lines.length - this.head;
  }

  /** Offset of the oldest line held; undefined when empty. */
  get firstStart(): number | undefined {
    return this.size > 0 ? this.lines[this.head].start : undefined;
  }

  /** Lines that start at or after the offset, oldest first. */
  from(offset: number): string[] {
    const out: string[] = [];
    for (let i = this.head; i < this.lines.length; i++) {
      if (this.lines[i].start >= offset) out.push(this.lines[i].text);
    }
    return out;
  }
}
