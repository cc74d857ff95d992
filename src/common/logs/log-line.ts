/** One gateway log line read back (text or json format, as `logs.tail` returns them). */
export interface ParsedLogLine {
  time?: string;
  timeMs?: number;
  level?: string;
  context?: string;
  message: string;
  /** A continuation of the line before (a stack frame, a multi-line message), in text format. */
  continuation?: boolean;
}

const TEXT_LINE = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z) ([A-Z]+)\s+(?:\[([^\]]*)\] )?(.*)$/;

/** Reads a line of either format; a line of neither shape comes back as its message alone. */
export function parseLogLine(line: string): ParsedLogLine {
  if (line.startsWith('{')) {
    try {
      const value = JSON.parse(line) as Record<string, unknown>;
      if (typeof value.message === 'string') {
        const time = typeof value.time === 'string' ? value.time : undefined;
        return {
          time,
          timeMs: time ? Date.parse(time) : undefined,
          level: typeof value.level === 'string' ? value.level : undefined,
          context: typeof value.context === 'string' ? value.context : undefined,
          message: value.message,
        };
      }
    } catch {
      // Not one of ours: shown as it is.
    }
  }
  if (line.startsWith('    ')) return { message: line.slice(4), continuation: true };
  const match = TEXT_LINE.exec(line);
  if (!match) return { message: line };
  const [, time, level, context, message] = match;
  return { time, timeMs: Date.parse(time), level: level.toLowerCase(), context: context || undefined, message };
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: a duration back from now (30s, 10m, 2h, 1d) or a date/time; undefined when it is neither. */
export function parseSince(value: string, nowMs: number): number | undefined {
  const duration = DURATION.exec(value.trim());
  if (duration) return nowMs - Number(duration[1]) * UNIT_MS[duration[2]];
  if (!/^\d{4}-\d{2}-\d{2}/.test(value.trim())) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
