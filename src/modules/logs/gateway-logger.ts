import { ConsoleLogger, LogLevel } from '@nestjs/common';
import type { LogLevelName } from '../../common/config';
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
 * The one place gateway log lines are written: Nest's console logger, with
 * every message redacted and recorded by LogsService before the console sees
 * it. The console keeps Nest's own format and its own levels (`false` mutes
 * it, as tests do); the ring and the file follow gateway.logging.level.
 */
export class GatewayLogger extends ConsoleLogger {
  private readonly consoleLevels: ReadonlySet<LogLevel>;

  constructor(
    private readonly logs: LogsService,
    consoleLevels: LogLevel[] | false,
  ) {
    super();
    this.consoleLevels = new Set(consoleLevels || []);
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
    const stack = typeof errorStack === 'string' ? errorStack : undefined;
    const safe = messages.map((m) => this.logs.record(NEST_TO_LEVEL[logLevel], context || undefined, m, stack));
    if (this.consoleLevels.has(logLevel)) super.printMessages(safe, context, logLevel, writeStreamType);
  }

  protected override printStackTrace(stack: string): void {
    // The stack was recorded with its message; the console gets it redacted too.
    if (stack && this.consoleLevels.has('error')) super.printStackTrace(this.logs.redact(stack));
  }
}
