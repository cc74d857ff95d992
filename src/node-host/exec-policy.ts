import * as os from 'node:os';
import { EXEC_APPROVALS_EXAMPLE, ExecApprovalsState } from '../common/exec/exec-approvals-store';
import { entryMatchesProgram } from '../common/exec/allowlist-match';
import { argsMatch, exactArgsPattern } from '../common/exec/args-pattern';
import { checkExecEnv, describeEnvRefusal, type EnvRefusal } from '../common/exec/env-policy';
import { allowCommandLine } from './exec-fix';
import { type ExecPolicy } from './exec-policy-names';

export { DEFAULT_EXEC_POLICY, EXEC_POLICIES, type ExecPolicy } from './exec-policy-names';

export interface ExecRequest {
  /** argv[0] as the caller sent it. */
  argv0: string;
  /** argv[1..]: what an entry's "args" patterns are matched against. */
  args: readonly string[];
  /** The file that would run: bare names through PATH, paths against cwd; undefined when not found. */
  resolvedPath?: string;
  /** The variables the caller asked for (over the node host's base environment). */
  env?: Readonly<Record<string, string>>;
}

/**
 * `askable` is set under the ask policy when an operator may approve this
 * exact file with these exact arguments ("allow always" records both);
 * anything else stays refused.
 */
/**
 * Who refuses, so a refusal read far away (Telegram, the Control UI) names
 * the machine by the name its owner gave it and the command to run there.
 */
export interface RefusalContext {
  nodeName: string;
  /** The node host's state dir: the fix command must write the file this node reads. */
  stateDir: string;
}

export type ExecDecision = { allowed: true } | { allowed: false; message: string; askable?: { resolvedPath: string } };

/**
 * Whether system.run may start this program with these arguments and this
 * environment. Decided on the node from its own flag and file, whatever the
 * gateway allowed: the gateway is not the last line of defence for this machine.
 *
 * An approval matches when it names the same file that would run (an
 * absolute path exactly, a bare name through the node host's PATH, so an
 * approved `echo` never lets `/tmp/x/echo` or a PATH override run), its
 * "args" patterns fit the arguments, and every variable is a safe one or one
 * the entry names. A variable outside those is never put to the operators:
 * a prompt is no place to judge LD_PRELOAD; it takes an edit of the file.
 */
export function decideExec(
  policy: ExecPolicy,
  request: ExecRequest,
  approvals: () => ExecApprovalsState,
  resolveApproved: (bareName: string) => string | undefined,
  where?: RefusalContext,
  homeDir: string = os.homedir(),
): ExecDecision {
  const refuse = (policy: ExecPolicy, reason: string): { allowed: false; message: string } => refusalOf(policy, reason, where);
  if (policy === 'full') return { allowed: true };
  if (policy === 'deny') {
    return refuse(
      'deny',
      'this node runs no commands; start `nestclaw node run` with --exec allowlist (and list the program in exec-approvals.json in its state dir) or --exec full',
    );
  }

  const state = approvals();
  const target = request.resolvedPath;
  const safeEnv = checkExecEnv(request.env);
  if (state.status === 'missing' && policy === 'ask' && safeEnv.ok && target !== undefined) {
    // No file yet under ask: the first "allow always" creates it.
    return { ...refuse(policy, `"${request.argv0}" (${target}) is not approved yet`), askable: { resolvedPath: target } };
  }
  if (state.status === 'missing') {
    if (!safeEnv.ok) return refuse(policy, envRefusal(safeEnv.refused, state.file, target ?? request.argv0));
    const fix = where && target !== undefined ? allowCommandLine(target, request.args, where.stateDir) : undefined;
    if (fix) {
      return refuse(
        policy,
        `its allowlist ${state.file} does not exist yet, so nothing is allowed. To allow "${request.argv0}" (${target}) with these arguments, run on ${where!.nodeName}: ${fix}`,
      );
    }
    return refuse(
      policy,
      `there is no approvals file, so nothing is allowed: create ${state.file} with e.g. ${EXEC_APPROVALS_EXAMPLE}`,
    );
  }
  if (state.status === 'invalid') {
    return refuse(
      policy,
      `${state.file} is not usable: ${state.problem}. Fix it (format: ${EXEC_APPROVALS_EXAMPLE}; each pattern an absolute path glob or a bare name found on PATH); until then nothing is allowed`,
    );
  }

  const program = { resolvedPath: target, homeDir, resolveBareName: resolveApproved };
  const forProgram = state.allow.filter((entry) => entryMatchesProgram(entry, program));
  const fitting = forProgram.filter((entry) => entry.args === undefined || argsMatch(entry.args, request.args));
  if (fitting.length > 0) {
    if (fitting.some((entry) => checkExecEnv(request.env, entry.env ?? []).ok)) return { allowed: true };
    const check = checkExecEnv(request.env, fitting[0].env ?? []);
    return refuse(policy, envRefusal(check.ok ? [] : check.refused, state.file, target!));
  }
  if (!safeEnv.ok) return refuse(policy, envRefusal(safeEnv.refused, state.file, target ?? request.argv0));

  const what = target === undefined ? `"${request.argv0}" (not found on PATH)` : `"${request.argv0}" (${target})`;
  const suggestion = JSON.stringify({ pattern: target ?? request.argv0, args: exactArgsPattern(request.args) });
  const fix = where && target !== undefined ? allowCommandLine(target, request.args, where.stateDir) : undefined;
  const byHand = `add ${suggestion} to agents["*"].allowlist in ${state.file}`;
  const remote = `from an operator's machine: nestclaw approvals allowlist add --node ${where?.nodeName ?? 'NAME'} ${target ?? request.argv0}`;
  const reason = fix
    ? `${what} is ${forProgram.length > 0 ? 'approved only with other arguments' : 'not approved'}. To allow it with these arguments, run on ${where!.nodeName}: ${fix} (or ${byHand}; or ${remote})`
    : forProgram.length > 0
      ? `${what} is approved only with other arguments: to allow these, ${byHand}`
      : `${what} is not approved: ${byHand} (or leave "args" out to allow any arguments; ${remote})`;
  const refusal = refuse(policy, reason);
  return policy === 'ask' && target !== undefined ? { ...refusal, askable: { resolvedPath: target } } : refusal;
}

function envRefusal(refused: readonly EnvRefusal[], file: string, program: string): string {
  return describeEnvRefusal(
    refused,
    `name ${refused.length === 1 ? 'it' : 'them'} in "env" of the entry for ${program} in ${file}, e.g. "env": ${JSON.stringify(
      refused.map((entry) => entry.name),
    )}`,
  );
}

function refusalOf(policy: ExecPolicy, reason: string, where?: RefusalContext): { allowed: false; message: string } {
  const who = where ? `on node "${where.nodeName}" by its exec policy` : `by the node's exec policy`;
  return { allowed: false, message: `system.run refused ${who} "${policy}": ${reason}` };
}
