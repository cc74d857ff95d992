import { parseLogLine, parseSince } from '../../common/logs';
import { UsageError } from '../exit-codes';
import { parseTimeout, withGateway } from '../gateway-session';
import { loadCliConfig, reportFailure } from '../run-gateway-command';
import { GatewayTarget, resolveTarget } from '../target';
import type { TargetOptions } from './target-options';

export interface LogsOptions extends TargetOptions {
  follow?: boolean;
  since?: string;
  limit?: string;
  interval?: string;
}

interface TailResult {
  cursor: number;
  lines: string[];
  reset?: boolean;
  truncated?: boolean;
}

/** `nestclaw logs`: one page of the newest lines, or with --follow a poll of logs.tail from the returned cursor. */
export async function logs(options: LogsOptions): Promise<void> {
  let target: GatewayTarget | undefined;
  try {
    const limit = wholeNumber('--limit', options.limit ?? '200', 1, 5_000);
    const intervalMs = wholeNumber('--interval', options.interval ?? '1000', 100, 60_000);
    const sinceMs = options.since === undefined ? undefined : parseSince(options.since, Date.now());
    if (options.since !== undefined && sinceMs === undefined) {
      throw new UsageError(
        `--since must be a duration such as 10m, 2h, 1d or a date such as 2026-01-31T08:00 (got ${JSON.stringify(options.since)})`,
      );
    }
    const config = loadCliConfig();
    target = resolveTarget(config, options);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    if (options.follow) process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
    const printer = new LinePrinter(Boolean(options.json), sinceMs);
    try {
      await withGateway(target, parseTimeout(options.timeout), async (client) => {
        let cursor: number | undefined;
        while (!stop.signal.aborted) {
          const page = (await client.request('logs.tail', cursor === undefined ? { limit } : { cursor })) as TailResult;
          if (cursor !== undefined && page.reset) {
            process.stderr.write('nestclaw: the log was rotated or the gateway restarted; continuing with its newest lines\n');
          }
          printer.print(page.lines);
          cursor = page.cursor;
          if (!options.follow) break;
          await sleep(intervalMs, stop.signal);
        }
      });
    } finally {
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    }
    process.exitCode = 0;
  } catch (error) {
    reportFailure(error, target, options.json);
  }
}

/** Prints lines as they came (or as JSON objects, one a line); --since drops older records with their continuations. */
class LinePrinter {
  private keepingRecord = true;

  constructor(
    private readonly json: boolean,
    private readonly sinceMs: number | undefined,
  ) {}

  print(lines: string[]): void {
    const out: string[] = [];
    for (const line of lines) {
      const parsed = parseLogLine(line);
      if (!parsed.continuation) {
        this.keepingRecord = this.sinceMs === undefined || parsed.timeMs === undefined || parsed.timeMs >= this.sinceMs;
      }
      if (!this.keepingRecord) continue;
      out.push(this.json ? JSON.stringify({ ...parsed, line }) : line);
    }
    if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  }
}

function wholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return n;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
