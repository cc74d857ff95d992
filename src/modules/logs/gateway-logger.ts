import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { LogFormat, LogLevelName } from '../../common/config';
import { formatRecord } from './log-format';
import { LogsService } from './logs.service';

const NEST_TO_LEVEL: Record<LogLevel, LogLevelName> = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'verbose',
};

const ALL_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Nest's own start-up chatter (one line per module and route): detail for
 * --verbose, not news for an operator reading journald, so it is kept at
 * debug level.
 */
const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'WebSocketsController',
]);

const ANSI_LEVEL: Record<LogLevelName, string> = {
  error: '\x1b[31m',
  warn: '\x1b[33m',
  info: '\x1b[32m',
  debug: '\x1b[35m',
  verbose: '\x1b[36m',
};

export interface ConsoleOptions {
  /** Nest levels printed; `false` mutes the console (tests). */
  levels: LogLevel[] | false;
  /** text or json, as gateway.logging.format / --log-format say. */
  format: LogFormat;
  /**
   * Colour the level in text lines. Only for a terminal: journald and
   * `docker logs` would store the escape codes as text.
   */
  colors: boolean;
  /** Where a line goes; default process.stdout/stderr. */
  write?: (stream: 'stdout' | 'stderr', text: string) => void;
  now?: () => number;
}

/** Colour only when the stream is a terminal and NO_COLOR (no-color.org) is not set. */
export function colorsWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/**
 * The one place gateway log lines are written: every message is redacted and
 * recorded by LogsService, and the console gets the same redacted record in
 * the same format as the log file (one JSON object a line with json). The
 * console keeps its own levels; the ring and the file follow
 * gateway.logging.level.
 */
export class GatewayLogger extends ConsoleLogger {
  private readonly consoleLevels: ReadonlySet<LogLevel>;
  private readonly console: Required<Omit<ConsoleOptions, 'levels'>>;

  constructor(
    private readonly logs: LogsService,
    options: ConsoleOptions,
  ) {
    super();
    this.consoleLevels = new Set(options.levels || []);
    this.console = {
      format: options.format,
      colors: options.colors && options.format === 'text',
      write: options.write ?? ((stream, text) => process[stream].write(text)),
      now: options.now ?? Date.now,
    };
    // Nest asks isLevelEnabled before formatting anything: a level either sink wants must pass.
    this.setLogLevels(ALL_LEVELS.filter((l) => this.consoleLevels.has(l) || logs.enabled(NEST_TO_LEVEL[l])));
  }

  protected override printMessages(
    messages: unknown[],
    context = '',
    logLevel: LogLevel = 'log',
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
  ): void {
    const nestLevel: LogLevel = logLevel === 'log' && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : logLevel;
    const level = NEST_TO_LEVEL[nestLevel];
    const stack = typeof errorStack === 'string' ? errorStack : undefined;
    for (const message of messages) {
      const safe = this.logs.record(level, context || undefined, message, stack);
      if (!this.consoleLevels.has(nestLevel)) continue;
      const lines = formatRecord(
        { timeMs: this.console.now(), level, context: context || undefined, message: safe },
        this.console.format,
      );
      const stream = writeStreamType ?? (level === 'error' ? 'stderr' : 'stdout');
      this.console.write(stream, `${lines.map((line) => this.paintLevel(line, level)).join('\n')}\n`);
    }
  }

  protected override printStackTrace(): void {
    // The stack was recorded, and printed, with its message.
  }

  private paintLevel(line: string, level: LogLevelName): string {
    if (!this.console.colors) return line;
    const name = level.toUpperCase();
    return line.replace(name, `${ANSI_LEVEL[level]}${name}\x1b[39m`);
  }
}
