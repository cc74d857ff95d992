import * as fs from 'node:fs';
import * as path from 'node:path';
import { argsPatternProblem } from '../common/exec/args-pattern';
import { writeSecretFileAtomic } from '../common/state';

export const EXEC_APPROVALS_FILE = 'exec-approvals.json';
export const EXEC_APPROVALS_VERSION = 1;
export const EXEC_APPROVALS_EXAMPLE =
  '{"version":1,"allow":[{"command":"/usr/bin/uptime"},{"command":"git","args":["status","**"]}]}';

/**
 * One approved program: an absolute path, or a bare name looked up on the
 * node host's PATH. `args` binds it to argument patterns (common/exec/args-pattern;
 * absent: any arguments, as before); `env` names variables beyond the safe
 * list that callers may set for it (common/exec/env-policy).
 */
export interface ExecApproval {
  command: string;
  args?: string[];
  env?: string[];
  note?: string;
}

const ENTRY_KEYS = ['command', 'args', 'env', 'note'];
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_ENV_NAMES = 64;

export type ExecApprovalsState =
  | { status: 'ok'; file: string; allow: ExecApproval[] }
  | { status: 'missing'; file: string }
  | { status: 'invalid'; file: string; problem: string };

export function execApprovalsPath(stateDir: string): string {
  return path.join(stateDir, EXEC_APPROVALS_FILE);
}

export interface ApprovalsFileSystem {
  /** The file's text and mode, or a thrown errno error. */
  read(file: string): { text: string; mode: number };
}

export const systemApprovalsFileSystem: ApprovalsFileSystem = {
  read(file) {
    const fd = fs.openSync(file, 'r');
    try {
      return { mode: fs.fstatSync(fd).mode, text: fs.readFileSync(fd, 'utf8') };
    } finally {
      fs.closeSync(fd);
    }
  },
};

/**
 * Reads the approvals file. Called on every system.run, so edits apply
 * without a restart. Anything unexpected makes the file "invalid", which
 * allows nothing: a broken allowlist must never widen what runs.
 */
export function loadExecApprovals(file: string, fileSystem: ApprovalsFileSystem = systemApprovalsFileSystem): ExecApprovalsState {
  let read: { text: string; mode: number };
  try {
    read = fileSystem.read(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing', file };
    return { status: 'invalid', file, problem: `it cannot be read (${code ?? 'error'})` };
  }
  // Anyone who can write the file decides what this node runs.
  if ((read.mode & 0o022) !== 0) {
    return { status: 'invalid', file, problem: `it is writable by other users; run chmod 600 ${file}` };
  }
  const parsed = parseExecApprovals(read.text);
  return parsed.ok ? { status: 'ok', file, allow: parsed.allow } : { status: 'invalid', file, problem: parsed.problem };
}

export function parseExecApprovals(text: string): { ok: true; allow: ExecApproval[] } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `it is not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'it must hold a JSON object' };
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).filter((key) => key !== 'version' && key !== 'allow');
  if (extra.length > 0) return { ok: false, problem: `unknown key ${JSON.stringify(extra[0])} (accepted: version, allow)` };
  if (record.version !== EXEC_APPROVALS_VERSION) {
    return { ok: false, problem: `"version" must be ${EXEC_APPROVALS_VERSION} (got ${JSON.stringify(record.version)})` };
  }
  if (!Array.isArray(record.allow)) return { ok: false, problem: '"allow" must be an array of {"command": ...} entries' };
  const allow: ExecApproval[] = [];
  for (const [index, entry] of record.allow.entries()) {
    const problem = entryProblem(entry);
    if (problem) return { ok: false, problem: `allow[${index}]: ${problem}` };
    const { command, args, env, note } = entry as ExecApproval;
    allow.push({
      command,
      ...(args !== undefined ? { args: [...args] } : {}),
      ...(env !== undefined ? { env: [...env] } : {}),
      ...(note !== undefined ? { note } : {}),
    });
  }
  return { ok: true, allow };
}

function entryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return 'must be an object like {"command": "/usr/bin/uptime"}';
  const record = entry as Record<string, unknown>;
  // Unknown keys are refused so nobody believes a misspelt restriction ("argv") restricts anything.
  const extra = Object.keys(record).filter((key) => !ENTRY_KEYS.includes(key));
  if (extra.length > 0) return `unknown key ${JSON.stringify(extra[0])} (accepted: ${ENTRY_KEYS.join(', ')})`;
  if (typeof record.command !== 'string' || record.command === '') return '"command" must be a non-empty string';
  if (record.command.includes('\0')) return '"command" must not contain a NUL byte';
  if (record.command.includes('/') && !path.isAbsolute(record.command)) {
    return `"command" must be an absolute path or a bare name looked up on PATH (got ${JSON.stringify(record.command)})`;
  }
  if (record.command === '.' || record.command === '..') return `"command" ${JSON.stringify(record.command)} is not a program`;
  if (record.note !== undefined && typeof record.note !== 'string') return '"note" must be a string';
  if (record.args !== undefined) {
    const problem = argsPatternProblem(record.args);
    if (problem) return `"args"${problem.startsWith('[') ? '' : ' '}${problem} (e.g. ["status", "**"])`;
  }
  if (record.env !== undefined) {
    const env = record.env;
    if (!Array.isArray(env) || env.length > MAX_ENV_NAMES)
      return `"env" must be an array of at most ${MAX_ENV_NAMES} variable names`;
    const bad = env.find((name) => typeof name !== 'string' || !ENV_NAME.test(name));
    if (bad !== undefined) return `"env" holds ${JSON.stringify(bad)}, which is not a variable name (letters, digits, _)`;
  }
  return undefined;
}

/** Same program, same argument patterns, same extra variables: adding it again widens nothing. */
function sameScope(a: ExecApproval, b: ExecApproval): boolean {
  return (
    a.command === b.command &&
    JSON.stringify(a.args) === JSON.stringify(b.args) &&
    JSON.stringify(a.env) === JSON.stringify(b.env)
  );
}

/**
 * Adds one approved program to the file ("allow always"), keeping every
 * existing entry and the format. Written to a temporary file (0600) then
 * renamed over the old one, so a crash never leaves half a file, and the
 * file never becomes readable or writable by others. An unusable existing
 * file is left alone (an error): rewriting it could widen what it allowed.
 */
export function appendExecApproval(file: string, approval: ExecApproval): { added: boolean } {
  let allow: ExecApproval[] = [];
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const parsed = parseExecApprovals(text);
    if (!parsed.ok) throw new Error(`${file} is not usable (${parsed.problem}); fix it by hand`);
    allow = parsed.allow;
  }
  // An entry the parser would refuse would make the whole file unusable, every approval with it.
  const problem = entryProblem(approval);
  if (problem) throw new Error(`the approval cannot be recorded: ${problem}`);
  if (allow.some((entry) => sameScope(entry, approval))) return { added: false };
  const next = { version: EXEC_APPROVALS_VERSION, allow: [...allow, approval] };
  writeSecretFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  return { added: true };
}
