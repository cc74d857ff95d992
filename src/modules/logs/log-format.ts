import type { LogFormat, LogLevelName } from '../../common/config';

export interface LogRecord {
  timeMs: number;
  level: LogLevelName;
  context?: string;
  message: string;
}

/** One record as physical lines: text lines put continuation lines (a stack) under the first, indented. */
export function formatRecord(record: LogRecord, format: LogFormat): string[] {
  const time = new Date(record.timeMs).toISOString();
  if (format === 'json') {
    return [
      JSON.stringify({
        time,
        level: record.level,
        ...(record.context ? { context: record.context } : {}),
        message: record.message,
      }),
    ];
  }
  const [first, ...rest] = record.message.split(/\r?\n/);
  const head = `${time} ${record.level.toUpperCase().padEnd(7)} ${record.context ? `[${record.context}] ` : ''}${first}`;
  return [head, ...rest.map((line) => `    ${line}`)];
}
