import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { withTimeout } from './ws-test-client';

export const CLI = path.resolve(__dirname, '..', '..', 'bin', 'nestclaw');

export interface CliRun {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output contains the text. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Environment for a child CLI: the caller's, minus any gateway secrets or ports that would leak into the test. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (/^(NESTCLAW|OPENCLAW)_/.test(key)) delete env[key];
  }
  return { ...env, ...extra };
}

/** `stdin`: text piped to the CLI, then end of input; without it stdin is closed. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  nodeArgs: string[] = [],
  options: { stdin?: string } = {},
): CliRun {
  const piped = options.stdin !== undefined;
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
    env: cleanEnv(env),
    stdio: [piped ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (piped) child.stdin!.end(options.stdin);
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((listener) => listener());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor: (text, timeoutMs = 15_000) =>
      withTimeout(
        new Promise<string>((resolve, reject) => {
          const check = () => {
            if (typeof text === 'string' ? output.includes(text) : text.test(output)) {
              listeners.delete(check);
              resolve(output);
            }
          };
          listeners.add(check);
          void exited.then(() => setTimeout(() => reject(new Error(`exited before printing ${text}:\n${output}`)), 50));
          check();
        }),
        timeoutMs,
        `output ${text}`,
      ),
  };
}
