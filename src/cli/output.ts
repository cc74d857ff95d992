/** Human output stays plain text without colour when NO_COLOR is set or stdout is not a terminal. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLines(lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Aligned "label  value" rows. */
export function table(rows: Array<[string, string]>, indent = ''): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`);
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
