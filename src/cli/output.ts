/** Human output stays plain text without colour when NO_COLOR is set or stdout is not a terminal. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * C0 and C1 controls, DEL, and the bidi overrides/isolates that can make a
 * line read differently from what it holds.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Makes a string from a peer (a node's display name, a Telegram sender's
 * name, an error text) safe to print: every control character becomes a
 * visible escape such as `\x1b`, so it can neither drive the terminal (ESC
 * sequences, BEL, CR overwriting the line) nor fake extra lines.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Every human-output line goes through terminalSafe; only our own line breaks stay. */
export function printLines(lines: string[]): void {
  const safe = lines.flatMap((line) => line.split('\n')).map(terminalSafe);
  process.stdout.write(`${safe.join('\n')}\n`);
}

/**
 * The one table helper of human output: every column but the last is padded
 * to its widest cell, two spaces apart. Cells often come from peers, so each
 * is made safe first and aligned on what is printed.
 */
export function table(rows: ReadonlyArray<readonly string[]>, indent = ''): string[] {
  const safeRows = rows.map((row) => row.map(terminalSafe));
  const widths: number[] = [];
  for (const row of safeRows) {
    row.slice(0, -1).forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  }
  return safeRows.map((row) =>
    `${indent}${row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]) : cell)).join('  ')}`.trimEnd(),
  );
}

/**
 * A one-line progress note on stderr, only on a terminal and never in --json
 * mode, so scripts and pipes see clean output.
 */
export async function withProgress<T>(label: string, json: boolean, work: () => Promise<T>): Promise<T> {
  const show = !json && Boolean(process.stderr.isTTY);
  if (show) process.stderr.write(`${label}...`);
  try {
    return await work();
  } finally {
    if (show) process.stderr.write('\r\x1b[K');
  }
}
