import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  allowlistEntries,
  approvalsHash,
  type ExecAllowlistEntry,
  type ExecApprovalsFile,
  MAX_APPROVALS_FILE_BYTES,
  parseExecApprovalsText,
  parseExecApprovalsValue,
  redactExecApprovals,
  serializeExecApprovals,
  withAllowlistEntry,
} from './exec-approvals-file';
import { writeSecretFileAtomic } from '../state';

export { EXEC_APPROVALS_EXAMPLE } from './exec-approvals-file';
export const EXEC_APPROVALS_FILE = 'exec-approvals.json';
/** The text the file held before the last write: a remote edit or a format migration can always be undone by hand. */
export const EXEC_APPROVALS_BACKUP_SUFFIX = '.bak';

export type ExecApprovalsState =
  | {
      status: 'ok';
      file: string;
      approvals: ExecApprovalsFile;
      /** Every allowlist entry, whichever agent key it sits under: this host serves the gateway's one agent. */
      allow: ExecAllowlistEntry[];
      /** The file is in the earlier `{allow: [...]}` form; the next write stores the reference form. */
      legacy: boolean;
      raw: string;
    }
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
      const stat = fs.fstatSync(fd);
      if (stat.size > MAX_APPROVALS_FILE_BYTES) return { mode: stat.mode, text: ' '.repeat(MAX_APPROVALS_FILE_BYTES + 1) };
      return { mode: stat.mode, text: fs.readFileSync(fd, 'utf8') };
    } finally {
      fs.closeSync(fd);
    }
  },
};

/**
 * Reads the approvals file. Called on every system.run, so edits (local or
 * remote) apply without a restart. Anything unexpected makes the file
 * "invalid", which allows nothing: a broken allowlist must never widen what runs.
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
  const parsed = parseExecApprovalsText(read.text);
  if (!parsed.ok) return { status: 'invalid', file, problem: parsed.problem };
  return {
    status: 'ok',
    file,
    approvals: parsed.file,
    allow: allowlistEntries(parsed.file).map(({ entry }) => entry),
    legacy: parsed.legacy,
    raw: read.text,
  };
}

/** What `system.execApprovals.get` answers, in the reference's snapshot shape. */
export interface ExecApprovalsSnapshot {
  path: string;
  exists: boolean;
  hash: string;
  file: ExecApprovalsFile;
  /** nestclaw: the file was in the earlier form and is shown migrated. */
  migrated?: boolean;
}

/** The snapshot of a readable state; undefined for an invalid file (the caller reports its problem). */
export function snapshotOf(state: ExecApprovalsState): ExecApprovalsSnapshot | undefined {
  if (state.status === 'invalid') return undefined;
  if (state.status === 'missing')
    return { path: state.file, exists: false, hash: approvalsHash(undefined), file: { version: 1 } };
  return {
    path: state.file,
    exists: true,
    hash: approvalsHash(state.raw),
    file: redactExecApprovals(state.approvals),
    ...(state.legacy ? { migrated: true } : {}),
  };
}

/** How refusals name the file and the method that reads it: a gateway host path never goes over the wire. */
export interface ReplaceWording {
  fileLabel(file: string): string;
  readMethod: string;
}

const NODE_WORDING: ReplaceWording = {
  fileLabel: (file) => `${file} on the node`,
  readMethod: 'exec.approvals.node.get',
};

export type ReplaceOutcome =
  | { ok: true; snapshot: ExecApprovalsSnapshot }
  | { ok: false; reason: 'stale' | 'invalid-file' | 'invalid-current'; message: string };

/**
 * Replaces the file with `incoming` when `baseHash` names what is on disk
 * now (required once the file exists: a client editing an older copy must
 * not drop what someone else added). The local socket settings are kept
 * from the current file whatever the client sent. An unusable current file
 * is never overwritten: it may hold entries nobody has seen.
 */
export function replaceExecApprovals(
  file: string,
  incoming: unknown,
  baseHash: string | undefined,
  where: ReplaceWording = NODE_WORDING,
): ReplaceOutcome {
  const state = loadExecApprovals(file);
  if (state.status === 'invalid') {
    return {
      ok: false,
      reason: 'invalid-current',
      message: `${where.fileLabel(file)} is not usable (${state.problem}); fix it there first, nothing is allowed until then`,
    };
  }
  const current = snapshotOf(state)!;
  if (state.status === 'ok' || baseHash !== undefined) {
    if (baseHash !== current.hash) {
      return {
        ok: false,
        reason: 'stale',
        message:
          baseHash === undefined
            ? `baseHash is required once the approvals file exists; read it first (${where.readMethod}) and send its hash`
            : `the approvals file changed since it was read; read it again (${where.readMethod}) and retry`,
      };
    }
  }
  const parsed = parseExecApprovalsValue(incoming);
  if (!parsed.ok) return { ok: false, reason: 'invalid-file', message: `the approvals file was refused: ${parsed.problem}` };
  const next: ExecApprovalsFile = { ...parsed.file };
  delete next.socket;
  if (state.status === 'ok' && state.approvals.socket) next.socket = state.approvals.socket;
  writeExecApprovals(file, next, state.status === 'ok' ? state.raw : undefined);
  return { ok: true, snapshot: snapshotOf(loadExecApprovals(file))! };
}

/**
 * Adds one approved program to the file ("allow always"), keeping every
 * existing entry. An unusable existing file is left alone (an error):
 * rewriting it could widen what it allowed or lose what it held.
 */
export function appendExecApproval(file: string, approval: ExecAllowlistEntry): { added: boolean } {
  const state = loadExecApprovals(file);
  if (state.status === 'invalid') throw new Error(`${file} is not usable (${state.problem}); fix it by hand`);
  // An entry the parser would refuse would make the whole file unusable, every approval with it.
  const probe = parseExecApprovalsValue({ version: 1, agents: { '*': { allowlist: [approval] } } });
  if (!probe.ok) throw new Error(`the approval cannot be recorded: ${probe.problem}`);
  const current: ExecApprovalsFile = state.status === 'ok' ? state.approvals : { version: 1 };
  const { file: next, added } = withAllowlistEntry(current, approval);
  if (!added) return { added: false };
  writeExecApprovals(file, next, state.status === 'ok' ? state.raw : undefined);
  return { added: true };
}

/** The previous text is kept beside the file; both are written by the one atomic 0600 writer. */
function writeExecApprovals(file: string, approvals: ExecApprovalsFile, previousText: string | undefined): void {
  if (previousText !== undefined) writeSecretFileAtomic(`${file}${EXEC_APPROVALS_BACKUP_SUFFIX}`, previousText);
  writeSecretFileAtomic(file, serializeExecApprovals(approvals));
}
