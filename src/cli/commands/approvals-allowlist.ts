import type { GatewayClient } from '../../common/client';
import {
  allowlistEntries,
  type ExecAllowlistEntry,
  type ExecApprovalsFile,
  patternProblem,
  withAllowlistEntry,
  withoutAllowlistPattern,
} from '../../common/exec/exec-approvals-file';
import { argsPatternProblem } from '../../common/exec/args-pattern';
import { ExecAllowlistMethod, type ExecAllowlistSnapshot } from '../../common/protocol/exec-approval';
import { UsageError } from '../exit-codes';
import { reportFailure, runGatewayCommand } from '../run-gateway-command';
import type { TargetOptions } from './target-options';

export interface AllowlistOptions extends TargetOptions {
  node?: string;
}

export interface AddOptions extends AllowlistOptions {
  args?: string;
  note?: string;
}

type Snapshot = ExecAllowlistSnapshot;

interface Edited {
  where: string;
  changed: boolean;
  snapshot: Snapshot;
}

/** Someone else's edit between our read and our write: read again and redo ours, a few times at most. */
const STALE_RETRIES = 3;

export function list(options: AllowlistOptions): Promise<void> {
  return runGatewayCommand<Snapshot>(options, {
    call: (client) => read(client, options.node),
    render: (snapshot) => renderAllowlist(snapshot, whereOf(options.node)),
  });
}

export function add(pattern: string, options: AddOptions): Promise<void> {
  const problem = patternProblem(pattern);
  if (problem) return usage(`the pattern ${problem}`, options);
  let args: string[] | undefined;
  if (options.args !== undefined) {
    try {
      args = JSON.parse(options.args) as string[];
    } catch {
      return usage('--args must be a JSON array of argument patterns, e.g. \'["status","**"]\'', options);
    }
    const argsProblem = argsPatternProblem(args);
    if (argsProblem) return usage(`--args ${argsProblem}`, options);
  }
  const entry: ExecAllowlistEntry = {
    pattern,
    ...(args !== undefined ? { args } : {}),
    ...(options.note !== undefined ? { note: options.note } : {}),
  };
  return runGatewayCommand<Edited>(options, {
    call: (client) =>
      edit(client, options.node, (file) => {
        const next = withAllowlistEntry(file, entry);
        return { file: next.file, changed: next.added };
      }),
    render: (r) => [r.changed ? `added ${pattern} to the exec allowlist of ${r.where}` : `${r.where} already allows ${pattern}`],
  });
}

export function remove(pattern: string, options: AllowlistOptions): Promise<void> {
  return runGatewayCommand<Edited>(options, {
    call: async (client) => {
      const result = await edit(client, options.node, (file) => {
        const next = withoutAllowlistPattern(file, pattern);
        return { file: next.file, changed: next.removed > 0 };
      });
      if (!result.changed) {
        throw new UsageError(
          `no entry of the exec allowlist of ${result.where} has the pattern ${JSON.stringify(pattern)}; see \`nestclaw approvals allowlist list${options.node ? ` --node ${options.node}` : ''}\``,
        );
      }
      return result;
    },
    render: (r) => [`removed ${pattern} from the exec allowlist of ${r.where}`],
  });
}

async function read(client: GatewayClient, node: string | undefined): Promise<Snapshot> {
  return await (node === undefined
    ? client.call(ExecAllowlistMethod.Get)
    : client.call(ExecAllowlistMethod.NodeGet, { nodeId: node }));
}

async function edit(
  client: GatewayClient,
  node: string | undefined,
  change: (file: ExecApprovalsFile) => { file: ExecApprovalsFile; changed: boolean },
): Promise<Edited> {
  const where = whereOf(node);
  for (let attempt = 0; ; attempt++) {
    const current = await read(client, node);
    const next = change(current.file);
    if (!next.changed) return { where, changed: false, snapshot: current };
    const params = { file: next.file, ...(current.exists ? { baseHash: current.hash } : {}) };
    try {
      const snapshot = await (node === undefined
        ? client.call(ExecAllowlistMethod.Set, params)
        : client.call(ExecAllowlistMethod.NodeSet, { nodeId: node, ...params }));
      return { where, changed: true, snapshot };
    } catch (error) {
      if (attempt >= STALE_RETRIES || !isStale(error)) throw error;
    }
  }
}

function isStale(error: unknown): boolean {
  return error instanceof Error && /changed since it was read/.test(error.message);
}

function whereOf(node: string | undefined): string {
  return node === undefined ? 'the gateway host' : `node ${node}`;
}

export function renderAllowlist(snapshot: Snapshot, where: string): string[] {
  const entries = allowlistEntries(snapshot.file);
  const head = `exec allowlist of ${where}${snapshot.remoteEdits === false ? ' (read-only: the node refuses remote edits)' : ''}${
    snapshot.exists ? '' : ' (no file yet)'
  }${snapshot.migrated ? ' (earlier format; converted on the next edit)' : ''}`;
  if (entries.length === 0) return [head, 'no entries: nothing runs without an approval'];
  return [
    head,
    ...columns([
      ['AGENT', 'PATTERN', 'ARGS', 'ENV', 'NOTE'],
      ...entries.map(({ agent, entry }) => [
        agent,
        entry.pattern,
        entry.argPattern !== undefined
          ? `argPattern ${entry.argPattern} (not honoured: allows nothing)`
          : entry.args === undefined
            ? 'any'
            : JSON.stringify(entry.args),
        entry.env?.join(',') ?? '',
        entry.note ?? '',
      ]),
    ]),
  ];
}

/** Refused before anything is contacted. */
function usage(message: string, options: TargetOptions): Promise<void> {
  reportFailure(new UsageError(message), undefined, options.json);
  return Promise.resolve();
}

function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, index) => Math.max(...rows.map((row) => row[index].length)));
  return rows.map((row) =>
    row
      .map((cell, index) => cell.padEnd(widths[index]))
      .join('  ')
      .trimEnd(),
  );
}
