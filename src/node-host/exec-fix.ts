import * as os from 'node:os';
import * as path from 'node:path';

/** Where the node host keeps its state unless NESTCLAW_STATE_DIR says otherwise. */
export function defaultStateDir(homeDir: string = os.homedir()): string {
  return path.join(homeDir, '.nestclaw');
}

/**
 * A fix command longer than this is not offered: the refusal travels to the
 * gateway as a bounded error message (4096 characters), and a command line
 * nobody can read is no fix anyway; the refusal then names the file to edit.
 */
const MAX_FIX_COMMAND_LENGTH = 1_000;
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell; words already safe stay as they are, for readability. */
export function shellQuote(word: string): string {
  if (SHELL_SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one command, run on the node's machine, that adds exactly this program
 * with exactly these arguments to its exec-approvals.json (`nestclaw node
 * allow`). Arguments follow `--` so one starting with a dash is never taken
 * for an option. Undefined when no safe, readable command exists (control
 * characters, or too long): the caller then names the file to edit.
 */
export function allowCommandLine(
  program: string,
  args: readonly string[],
  stateDir: string,
  homeDir: string = os.homedir(),
): string | undefined {
  const words = [program, ...args];
  // A word with a control character cannot be shown as a command line to copy.
  // eslint-disable-next-line no-control-regex
  if (words.some((word) => /[\u0000-\u001f\u007f-\u009f]/.test(word))) return undefined;
  // The command reads the same state dir as the node host only if it is told the same one.
  const prefix = path.resolve(stateDir) === defaultStateDir(homeDir) ? '' : `NESTCLAW_STATE_DIR=${shellQuote(stateDir)} `;
  const line = `${prefix}nestclaw node allow ${shellQuote(program)}${
    args.length > 0 ? ` -- ${args.map(shellQuote).join(' ')}` : ''
  }`;
  return line.length <= MAX_FIX_COMMAND_LENGTH ? line : undefined;
}

export type AllowlistState = { status: 'missing' | 'ok' | 'invalid'; file: string; problem?: string; entries?: number };

/**
 * The start-up line about system.run: under allowlist/ask an empty or
 * missing allowlist refuses everything, which a new user should hear before
 * the first refusal arrives in a chat far away.
 */
export function execNotice(policy: string, state: AllowlistState, stateDir: string, homeDir?: string): string | undefined {
  const example = allowCommandLine('/usr/bin/uptime', [], stateDir, homeDir) ?? 'nestclaw node allow /usr/bin/uptime';
  if (policy === 'deny')
    return 'exec policy deny: system.run refuses every program; restart with --exec allowlist (or ask) to let the agent run some';
  if (policy === 'full') return 'exec policy full: system.run runs any program the gateway asks for';
  if (state.status === 'invalid')
    return `exec policy ${policy}: ${state.file} is not usable (${state.problem}); until it is fixed system.run refuses every program`;
  if (state.status === 'ok' && (state.entries ?? 0) > 0)
    return `exec policy ${policy}: ${state.entries} program entr${state.entries === 1 ? 'y' : 'ies'} allowed in ${state.file}`;
  const what = state.status === 'missing' ? 'does not exist yet' : 'is empty';
  const ask = policy === 'ask' ? ' unless an operator approves it' : '';
  return `exec policy ${policy}: the allowlist ${state.file} ${what}, so system.run refuses every program${ask}. Allow one with: ${example} (exact arguments after --, or --any-args)`;
}
