import { inspect } from 'node:util';
import type { LogFormat, LogLevelName, ResolvedLogging } from '../../common/config';
import type { LogsTailResult } from '../../common/protocol';
import { LogFile } from './log-file';
import { formatRecord } from './log-format';
import { LogRedactor } from './log-redactor';
import { LogRing } from './log-ring';

/** Caps (docs/operations.md, "Logs"). */
export const LOG_LIMITS = Object.freeze({
  /** A longer message is cut, so one huge value cannot fill the ring or the file. */
  maxMessageBytes: 8 * 1024,
  ringLines: 2_000,
  ringBytes: 1024 * 1024,
  fileMaxBytes: 10 * 1024 * 1024,
  fileKeep: 3,
  tailDefaultLimit: 500,
  tailMaxLimit: 5_000,
  tailDefaultBytes: 250_000,
  tailMaxBytes: 1_000_000,
  /** Secret values redacted by value: the current ones and, up to this many in all, those a reload replaced. */
  knownSecrets: 64,
});

const LEVEL_ORDER: readonly LogLevelName[] = ['error', 'warn', 'info', 'debug', 'verbose'];

export interface TailParams {
  cursor?: number;
  limit?: number;
  maxBytes?: number;
}

export type TailResult = LogsTailResult;

export interface LogsServiceOptions {
  logging: ResolvedLogging;
  /** Every secret value this gateway knows; none of them is ever written. */
  secrets: ReadonlyArray<string | undefined>;
  now?: () => number;
  /** Told once when the file cannot be written; the service goes on with the ring alone. */
  onFileError?: (message: string) => void;
}

/**
 * The gateway's log: every line is redacted, then kept in a bounded ring and
 * appended to the rotated log file. `tail` answers `logs.tail` from the ring
 * when it still holds what was asked for, else from the file.
 *
 * Offsets: the cursor is a byte offset in the current log file (as in the
 * reference), so it starts again at 0 after a rotation; without a usable
 * file it counts bytes logged since the gateway started.
 */
export class LogsService {
  readonly format: LogFormat;
  readonly level: LogLevelName;
  private redactor: LogRedactor;
  /** Newest last; what the redactor searches for. */
  private secrets: string[] = [];
  private readonly ring = new LogRing(LOG_LIMITS.ringLines, LOG_LIMITS.ringBytes);
  private readonly now: () => number;
  private file?: LogFile;
  private memoryBytes = 0;

  constructor(private readonly options: LogsServiceOptions) {
    this.format = options.logging.format;
    this.level = options.logging.level;
    this.redactor = this.remember(options.secrets);
    this.now = options.now ?? Date.now;
    const file = new LogFile({ path: options.logging.file, maxBytes: LOG_LIMITS.fileMaxBytes, keep: LOG_LIMITS.fileKeep });
    try {
      file.open();
      this.file = file;
    } catch (error) {
      this.fileFailed(error);
    }
  }

  /** Whether lines at this level are kept. */
  enabled(level: LogLevelName): boolean {
    return LEVEL_ORDER.indexOf(level) <= LEVEL_ORDER.indexOf(this.level);
  }

  /**
   * Takes the secrets a config reload brought, before anything logs about
   * the reload. A secret it replaced stays redacted too (a client or a line
   * may still carry it), within LOG_LIMITS.knownSecrets; shapes always are.
   */
  setSecrets(secrets: ReadonlyArray<string | undefined>): void {
    this.redactor = this.remember(secrets);
  }

  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** Records one message; returns it as stored (redacted, capped), for the console. */
  record(level: LogLevelName, context: string | undefined, message: unknown, stack?: string): string {
    const text = this.redact(capBytes(describe(message) + (stack ? `\n${stack}` : ''), LOG_LIMITS.maxMessageBytes));
    if (!this.enabled(level)) return text;
    for (const line of formatRecord({ timeMs: this.now(), level, context, message: text }, this.format)) this.append(line);
    return text;
  }

  tail(params: TailParams = {}): TailResult {
    const size = this.size;
    const limit = clamp(params.limit ?? LOG_LIMITS.tailDefaultLimit, 1, LOG_LIMITS.tailMaxLimit);
    const maxBytes = clamp(params.maxBytes ?? LOG_LIMITS.tailDefaultBytes, 1, LOG_LIMITS.tailMaxBytes);
    let start: number;
    let reset = false;
    if (params.cursor === undefined) {
      start = Math.max(0, size - maxBytes);
    } else if (params.cursor > size) {
      // The file was rotated (or the gateway restarted) since this cursor: start over from the newest lines.
      reset = true;
      start = Math.max(0, size - maxBytes);
    } else if (size - params.cursor > maxBytes) {
      reset = true;
      start = size - maxBytes;
    } else {
      start = params.cursor;
    }
    let truncated = start > 0 && (params.cursor === undefined || reset);

    let lines: string[];
    const ringStart = this.ring.firstStart ?? size;
    if (start >= ringStart) {
      lines = this.ring.from(start);
    } else if (this.file) {
      lines = splitSlice(this.file.read(start, size), start > 0 && this.file.read(start - 1, start).toString() !== '\n');
    } else {
      lines = this.ring.from(ringStart);
      truncated = true;
    }
    if (lines.length > limit) {
      lines = lines.slice(lines.length - limit);
      truncated = true;
    }
    return { file: this.fileName, cursor: size, size, lines, truncated, reset };
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }

  /** What `logs.tail` names as its file: the file's name only, never the gateway host's directory layout. */
  get fileName(): string {
    return this.file ? this.options.logging.file.split(/[\\/]/).pop()! : 'memory';
  }

  private remember(secrets: ReadonlyArray<string | undefined>): LogRedactor {
    const current = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
    const kept = this.secrets.filter((s) => !current.includes(s));
    this.secrets = [...kept, ...current].slice(-Math.max(LOG_LIMITS.knownSecrets, current.length));
    return new LogRedactor(this.secrets);
  }

  private get size(): number {
    return this.file ? this.file.size : this.memoryBytes;
  }

  private append(line: string): void {
    const bytes = Buffer.byteLength(line, 'utf8') + 1;
    if (this.file) {
      try {
        if (this.file.append(`${line}\n`)) this.ring.clear();
      } catch (error) {
        this.fileFailed(error);
        return this.append(line);
      }
    } else {
      this.memoryBytes += bytes;
    }
    const end = this.size;
    this.ring.push({ start: end - bytes, end: end - 1, text: line });
  }

  private fileFailed(error: unknown): void {
    const code = (error as NodeJS.ErrnoException)?.code ?? 'error';
    this.file?.close();
    this.file = undefined;
    // Offsets now count the memory stream; the ring's old offsets no longer mean anything.
    this.ring.clear();
    this.memoryBytes = 0;
    this.options.onFileError?.(
      `cannot write the log file (${code}); logs are kept in memory only. Check gateway.logging.file and its directory's permissions`,
    );
  }
}

function describe(message: unknown): string {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return `${message.name}: ${message.message}`;
  return inspect(message, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 1_000 });
}

function capBytes(text: string, max: number): string {
  if (Buffer.byteLength(text, 'utf8') <= max) return text;
  const cut = Buffer.from(text, 'utf8')
    .subarray(0, max)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${cut}… [cut at ${max} bytes]`;
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

/** Lines of a file slice; a first line that starts mid-way (no newline before the slice) is dropped. */
function splitSlice(slice: Buffer, startsMidLine: boolean): string[] {
  const lines = slice.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (startsMidLine) lines.shift();
  return lines;
}
