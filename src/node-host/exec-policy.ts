import * as path from 'node:path';
import { EXEC_APPROVALS_EXAMPLE, ExecApprovalsState } from './exec-approvals';
import { isBareName } from './exec/path-lookup';

export const EXEC_POLICIES = ['deny', 'allowlist', 'ask', 'full'] as const;
export type ExecPolicy = (typeof EXEC_POLICIES)[number];
export const DEFAULT_EXEC_POLICY: ExecPolicy = 'deny';

export interface ExecRequest {
  /** argv[0] as the caller sent it. */
  argv0: string;
  /** The file that would run: bare names through PATH, paths against cwd; undefined when not found. */
  resolvedPath?: string;
  /** Keys of the env the caller asked for that load other code (LD_PRELOAD...). */
  codeLoadingEnv: string[];
}

/**
 * `askable` is set under the ask policy when an operator may approve this
 * exact file (the path "allow always" would record); anything else stays refused.
 */
export type ExecDecision = { allowed: true } | { allowed: false; message: string; askable?: { resolvedPath: string } };

/**
 * Whether system.run may start this program. Decided on the node from its
 * own flag and file, whatever the gateway allowed: the gateway is not the
 * last line of defence for this machine.
 *
 * An approval matches when it names the same file that would run: an
 * absolute path exactly, a bare name through the node host's PATH. So an
 * approved `echo` never lets `/tmp/x/echo` or a PATH override run.
 */
export function decideExec(
  policy: ExecPolicy,
  request: ExecRequest,
  approvals: () => ExecApprovalsState,
  resolveApproved: (bareName: string) => string | undefined,
): ExecDecision {
  if (policy === 'full') return { allowed: true };
  if (policy === 'deny') {
    return refuse(
      'deny',
      'this node runs no commands; start `nestclaw node run` with --exec allowlist (and list the program in exec-approvals.json in its state dir) or --exec full',
    );
  }

  const state = approvals();
  if (
    state.status === 'missing' &&
    policy === 'ask' &&
    request.codeLoadingEnv.length === 0 &&
    request.resolvedPath !== undefined
  ) {
    // No file yet under ask: the first "allow always" creates it.
    return {
      ...refuse(policy, `"${request.argv0}" (${request.resolvedPath}) is not approved yet`),
      askable: { resolvedPath: request.resolvedPath },
    };
  }
  if (state.status === 'missing') {
    return refuse(
      policy,
      `there is no approvals file, so nothing is allowed: create ${state.file} with e.g. ${EXEC_APPROVALS_EXAMPLE}`,
    );
  }
  if (state.status === 'invalid') {
    return refuse(
      policy,
      `${state.file} is not usable: ${state.problem}. Fix it (format: ${EXEC_APPROVALS_EXAMPLE}; each command an absolute path or a bare name found on PATH); until then nothing is allowed`,
    );
  }
  if (request.codeLoadingEnv.length > 0) {
    return refuse(
      policy,
      `env ${request.codeLoadingEnv.join(', ')} can make an approved program run other code, so it is not accepted: drop it, or run the node host with --exec full`,
    );
  }
  const target = request.resolvedPath;
  const approved = target !== undefined && state.allow.some((entry) => approvedPath(entry.command, resolveApproved) === target);
  if (approved) return { allowed: true };
  const what = target === undefined ? `"${request.argv0}" (not found on PATH)` : `"${request.argv0}" (${target})`;
  const suggestion = target === undefined ? request.argv0 : target;
  const refusal = refuse(
    policy,
    `${what} is not approved: add {"command":${JSON.stringify(suggestion)}} to "allow" in ${state.file}`,
  );
  return policy === 'ask' && target !== undefined ? { ...refusal, askable: { resolvedPath: target } } : refusal;
}

function approvedPath(command: string, resolveApproved: (bareName: string) => string | undefined): string | undefined {
  return isBareName(command) ? resolveApproved(command) : path.normalize(command);
}

function refuse(policy: ExecPolicy, reason: string): { allowed: false; message: string } {
  return { allowed: false, message: `system.run refused by the node's exec policy "${policy}": ${reason}` };
}
