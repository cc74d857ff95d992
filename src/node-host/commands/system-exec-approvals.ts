import { InvokeErrors } from '../invoke-errors';
import type { NodeCommand } from '../invoke-types';
import { onlyKeys, optionalString, paramsObject } from '../params';
import {
  type ExecApprovalsSnapshot,
  loadExecApprovals,
  replaceExecApprovals,
  snapshotOf,
} from '../../common/exec/exec-approvals-store';

/** The reference's node commands behind `exec.approvals.node.get/set`; the gateway refuses them on `node.invoke`. */
export const SYSTEM_EXEC_APPROVALS_GET = 'system.execApprovals.get';
export const SYSTEM_EXEC_APPROVALS_SET = 'system.execApprovals.set';

export interface ExecApprovalsCommandDeps {
  file: string;
  /** False under `node run --no-remote-policy`: the file is shown but only edited on this machine. */
  remoteEdits: boolean;
}

/** Where the node reports what it enforces: the policy is its own flag, never something the file or a peer sets. */
export interface NodeApprovalsView extends ExecApprovalsSnapshot {
  remoteEdits: boolean;
}

export function systemExecApprovalsGetCommand(deps: ExecApprovalsCommandDeps): NodeCommand {
  return {
    name: SYSTEM_EXEC_APPROVALS_GET,
    run(value: unknown): Promise<NodeApprovalsView> {
      const params = paramsObject(value);
      // The reference's macOS app asks for resolved defaults; accepted and ignored here.
      onlyKeys(params, ['includeResolvedDefaults']);
      const state = loadExecApprovals(deps.file);
      const snapshot = snapshotOf(state);
      if (!snapshot) {
        const problem = state.status === 'invalid' ? state.problem : 'unknown';
        throw InvokeErrors.invalidParams(
          `${deps.file} on this node is not usable (${problem}); fix it on the node, nothing is allowed until then`,
        );
      }
      return Promise.resolve({ ...snapshot, remoteEdits: deps.remoteEdits });
    },
  };
}

export function systemExecApprovalsSetCommand(deps: ExecApprovalsCommandDeps): NodeCommand {
  return {
    name: SYSTEM_EXEC_APPROVALS_SET,
    run(value: unknown, context): Promise<NodeApprovalsView> {
      if (!deps.remoteEdits) {
        context.note('remote allowlist edit refused (--no-remote-policy)');
        throw InvokeErrors.execDenied(
          `this node refuses remote allowlist edits (it runs with --no-remote-policy); edit ${deps.file} on the node itself`,
        );
      }
      const params = paramsObject(value);
      onlyKeys(params, ['file', 'baseHash']);
      if (params.file === undefined) throw InvokeErrors.invalidParams('file is required: the whole approvals file to store');
      const baseHash = optionalString(params, 'baseHash', { maxLength: 128 });
      const outcome = replaceExecApprovals(deps.file, params.file, baseHash);
      if (!outcome.ok) throw InvokeErrors.invalidParams(outcome.message);
      context.note(`approvals file replaced remotely (hash ${outcome.snapshot.hash.slice(0, 12)})`);
      return Promise.resolve({ ...outcome.snapshot, remoteEdits: true });
    },
  };
}
