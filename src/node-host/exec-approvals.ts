import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSecretFileAtomic } from '../common/state';

export const EXEC_APPROVALS_FILE = 'exec-approvals.json';
export const EXEC_APPROVALS_VERSION = 1;
export const EXEC_APPROVALS_EXAMPLE = '{"version":1,"allow":[{"command":"/usr/bin/uptime"},{"command":"echo"}]}';

/** One approved program: an absolute path, or a bare name looked up on the node host's PATH. */
export interface ExecApproval {
  command: string;
  note?: string;
}

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
    const { command, note } = entry as ExecApproval;
    allow.push(note === undefined ? { command } : { command, note });
  }
  return { ok: true, allow };
}

function entryProblem(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return 'must be an object like {"command": "/usr/bin/uptime"}';
  const record = entry as Record<string, unknown>;
  // Unknown keys are refused so nobody believes e.g. an "args" key restricts anything.
  const extra = Object.keys(record).filter((key) => key !== 'command' && key !== 'note');
  if (extra.length > 0)
    return `unknown key ${JSON.stringify(extra[0])} (accepted: command, note; arguments cannot be restricted)`;
  if (typeof record.command !== 'string' || record.command === '') return '"command" must be a non-empty string';
  if (record.command.includes('\0')) return '"command" must not contain a NUL byte';
  if (record.command.includes('/') && !path.isAbsolute(record.command)) {
    return `"command" must be an absolute path or a bare name looked up on PATH (got ${JSON.stringify(record.command)})`;
  }
  if (record.command === '.' || record.command === '..') return `"command" ${JSON.stringify(record.command)} is not a program`;
  if (record.note !== undefined && typeof record.note !== 'string') return '"note" must be a string';
  return undefined;
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
  if (allow.some((entry) => entry.command === approval.command)) return { added: false };
  const next = { version: EXEC_APPROVALS_VERSION, allow: [...allow, approval] };
  writeSecretFileAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  return { added: true };
}
