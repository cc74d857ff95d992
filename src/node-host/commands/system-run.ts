import * as fs from 'node:fs';
import { InvokeErrors } from '../invoke-errors';
import type { InvokeContext, NodeCommand } from '../invoke-types';
import { onlyKeys, optionalEnv, optionalPositiveInt, optionalString, paramsObject, stringArray } from '../params';
import type { ExecApprovalDecision, ExecApprovalReason } from '../../common/protocol/exec-approval';
import { MAX_EXEC_APPROVAL_TIMEOUT_MS, MIN_EXEC_APPROVAL_TIMEOUT_MS } from '../../common/protocol/exec-approval';
import type { ExecApprovalsState } from '../../common/exec/exec-approvals-store';
import { decideExec, ExecPolicy, type RefusalContext } from '../exec-policy';
import { findOnPath, resolveCommandPath } from '../../common/exec/path-lookup';
import type { ProcessOutcome, ProcessRunner } from '../../common/exec/process-runner';
import { mergeEnv } from '../../common/exec/safe-env';

export const SYSTEM_RUN = 'system.run';
/** Per stream. */
export const MAX_OUTPUT_BYTES = 200 * 1024;
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
const MAX_ARGS = 4_096;
/** Kept free before the gateway's deadline: the kill grace plus sending the result. */
const DEADLINE_MARGIN_MS = 1_500;
/** Of the gateway's deadline, what an approval wait leaves for the command itself and its result. */
const AFTER_APPROVAL_RESERVE_MS = 5_000;

export interface SystemRunParams {
  command: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface SystemRunResult {
  exitCode: number | null;
  /** Set when a signal ended the command (a timeout ends it with SIGTERM, then SIGKILL). */
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  truncated: { stdout: boolean; stderr: boolean };
}

/** What the node asks the gateway under the ask policy; the answer is the operators' decision. */
export interface ApprovalAsk {
  argv: string[];
  cwd: string;
  /** The variables the caller set (the node's base environment aside): operators see what they approve. */
  env: Record<string, string>;
  resolvedPath: string;
  timeoutMs: number;
}

export interface ApprovalAnswer {
  decision: ExecApprovalDecision;
  reason: ExecApprovalReason;
  decidedBy: string | null;
}

export interface SystemRunDeps {
  policy: ExecPolicy;
  /** Names this node and its state dir in refusals, with the command that allows the program. */
  refusalContext?: RefusalContext;
  /** Under the ask policy: asks the operators (exec.approval.request) and waits for the answer. */
  requestApproval?(ask: ApprovalAsk, signal: AbortSignal): Promise<ApprovalAnswer>;
  /** Under the ask policy: records an "allow always" for this file with exactly these arguments in exec-approvals.json. */
  recordApproval?(resolvedPath: string, args: readonly string[], decidedBy: string | null): void;
  now?(): number;
  /** Read on every call, so edits to the file apply at once. */
  loadApprovals(): ExecApprovalsState;
  runProcess: ProcessRunner;
  /** The node host's own safe environment; also the PATH approvals are resolved with. */
  baseEnv: Record<string, string>;
  /** Where commands run without a cwd param. */
  defaultCwd: string;
  isDirectory(dir: string): boolean;
  isExecutableFile?(file: string): boolean;
  defaultTimeoutMs?: number;
  maxOutputBytes?: number;
}

export function parseSystemRunParams(value: unknown): SystemRunParams {
  const params = paramsObject(value);
  onlyKeys(params, ['command', 'cwd', 'env', 'timeoutMs']);
  const command = stringArray(params, 'command', { nonEmpty: true, max: MAX_ARGS, what: 'argv, e.g. ["uname","-a"]' });
  if (command[0] === '') throw InvokeErrors.invalidParams('command[0] must name the program to run');
  return {
    command,
    cwd: optionalString(params, 'cwd', { maxLength: 4_096 }),
    env: optionalEnv(params, 'env'),
    timeoutMs: optionalPositiveInt(params, 'timeoutMs'),
  };
}

/**
 * `system.run`: argv is executed directly, never through a shell (a shell
 * runs only when argv names one, e.g. ["sh","-c","..."]). A program that
 * cannot be found answers like a shell would: ok, exit code 127 (126 when
 * it exists but cannot be executed), with the reason on stderr.
 */
export function systemRunCommand(deps: SystemRunDeps): NodeCommand {
  return {
    name: SYSTEM_RUN,
    async run(value: unknown, context: InvokeContext): Promise<SystemRunResult> {
      const params = parseSystemRunParams(value);
      const argv0 = params.command[0];
      // Decided before touching the file system, so a denying node reveals nothing about it.
      if (deps.policy === 'deny') assertAllowed(deps, argv0, undefined, params, context);

      const cwd = params.cwd ?? deps.defaultCwd;
      if (!deps.isDirectory(cwd)) throw InvokeErrors.invalidParams(`cwd ${JSON.stringify(cwd)} is not a directory on this node`);
      const env = mergeEnv(deps.baseEnv, params.env);
      const resolvedPath = resolveCommandPath(argv0, env.PATH, cwd, probeOf(deps));
      const startedAt = (deps.now ?? Date.now)();
      const asked = await allowedOrAsked(deps, argv0, resolvedPath, params, cwd, context);
      // The approval wait used part of the gateway's deadline; the command gets what is left.
      const deadlineMs =
        asked && context.deadlineMs !== undefined
          ? Math.max(1, context.deadlineMs - ((deps.now ?? Date.now)() - startedAt))
          : context.deadlineMs;

      if (resolvedPath === undefined) {
        context.note(`${argv0}: not found on PATH (exit 127)`);
        return notStarted(127, `${argv0}: command not found on this node's PATH\n`);
      }
      const timeoutMs = runTimeout(params.timeoutMs ?? deps.defaultTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS, deadlineMs);
      const outcome = await deps.runProcess({
        file: resolvedPath,
        argv: params.command,
        cwd,
        env,
        timeoutMs,
        maxOutputBytes: deps.maxOutputBytes ?? MAX_OUTPUT_BYTES,
        signal: context.signal,
      });
      const result = toResult(argv0, outcome);
      context.note(`${resolvedPath} ${describeEnd(result)}`);
      return result;
    },
  };
}

/**
 * Resolves when the program may run (true when an operator was asked);
 * throws EXEC_DENIED otherwise. Under ask, a program the file does not allow
 * is put to the operators, and the node waits for their answer.
 */
async function allowedOrAsked(
  deps: SystemRunDeps,
  argv0: string,
  resolvedPath: string | undefined,
  params: SystemRunParams,
  cwd: string,
  context: InvokeContext,
): Promise<boolean> {
  const decision = decide(deps, argv0, resolvedPath, params);
  if (decision.allowed) return false;
  if (!decision.askable || !deps.requestApproval) {
    context.note(`${argv0}: refused by the ${deps.policy} policy`);
    throw InvokeErrors.execDenied(decision.message);
  }
  const target = decision.askable.resolvedPath;
  const timeoutMs = approvalTimeout(context.deadlineMs);
  context.note(`${argv0}: asking the gateway's operators (${target}, waiting up to ${timeoutMs} ms)`);
  let answer: ApprovalAnswer;
  try {
    answer = await deps.requestApproval(
      { argv: params.command, cwd, env: { ...(params.env ?? {}) }, resolvedPath: target, timeoutMs },
      context.signal,
    );
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    context.note(`${argv0}: approval request failed (${why})`);
    throw InvokeErrors.execDenied(
      `system.run refused by the node's exec policy "ask": "${argv0}" (${target}) could not be put to the operators for approval (${boundedReason(why)}), so it was not run`,
    );
  }
  if (answer.decision === 'deny') {
    context.note(`${argv0}: approval ${answer.reason === 'decided' ? `denied by ${answer.decidedBy}` : answer.reason}`);
    throw InvokeErrors.execDenied(deniedMessage(argv0, target, answer));
  }
  if (answer.decision === 'allow-always') {
    try {
      deps.recordApproval?.(target, params.command.slice(1), answer.decidedBy);
      context.note(
        `${argv0}: ${target} with these arguments allowed always by ${answer.decidedBy}; added to exec-approvals.json`,
      );
    } catch (error) {
      // The operator allowed this run in any case; only the "always" part is lost, and the log says so.
      context.note(
        `${argv0}: allowed always, but exec-approvals.json could not be updated (${error instanceof Error ? error.message : String(error)}); running once`,
      );
    }
  } else {
    context.note(`${argv0}: allowed once by ${answer.decidedBy}`);
  }
  return true;
}

/** The gateway's words travel on in our refusal: one line, and not a wall of text. */
function boundedReason(text: string): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS)}…` : line;
}
const MAX_REASON_CHARS = 300;

function deniedMessage(argv0: string, target: string, answer: ApprovalAnswer): string {
  const what = `"${argv0}" (${target})`;
  switch (answer.reason) {
    case 'expired':
      return `system.run refused by the node's exec policy "ask": nobody approved ${what} before the approval request expired`;
    case 'withdrawn':
      return `system.run refused by the node's exec policy "ask": the approval request for ${what} was withdrawn`;
    default:
      return `system.run refused by the node's exec policy "ask": ${what} was denied by ${answer.decidedBy ?? 'an operator'}`;
  }
}

/**
 * How long the node waits for an answer: up to the gateway's own bound, and
 * short enough to leave the command time to run and its result time to
 * reach the gateway before the gateway gives up on the invoke.
 */
export function approvalTimeout(deadlineMs: number | undefined): number {
  if (deadlineMs === undefined) return MAX_EXEC_APPROVAL_TIMEOUT_MS;
  const budget = deadlineMs > 2 * AFTER_APPROVAL_RESERVE_MS ? deadlineMs - AFTER_APPROVAL_RESERVE_MS : Math.floor(deadlineMs / 2);
  return Math.min(Math.max(budget, MIN_EXEC_APPROVAL_TIMEOUT_MS), MAX_EXEC_APPROVAL_TIMEOUT_MS);
}

/** Throws EXEC_DENIED unless the policy allows the program. */
function assertAllowed(
  deps: SystemRunDeps,
  argv0: string,
  resolvedPath: string | undefined,
  params: SystemRunParams,
  context: InvokeContext,
): void {
  const decision = decide(deps, argv0, resolvedPath, params);
  if (decision.allowed) return;
  context.note(`${argv0}: refused by the ${deps.policy} policy`);
  throw InvokeErrors.execDenied(decision.message);
}

function decide(deps: SystemRunDeps, argv0: string, resolvedPath: string | undefined, params: SystemRunParams) {
  return decideExec(
    deps.policy,
    { argv0, args: params.command.slice(1), resolvedPath, env: params.env },
    deps.loadApprovals,
    (name) => findOnPath(name, deps.baseEnv.PATH, probeOf(deps)),
    deps.refusalContext,
  );
}

function probeOf(deps: SystemRunDeps) {
  return deps.isExecutableFile ? { isExecutableFile: deps.isExecutableFile } : undefined;
}

function toResult(argv0: string, outcome: ProcessOutcome): SystemRunResult {
  if (outcome.spawnError === 'ENOENT') return notStarted(127, `${argv0}: no such file on this node\n`);
  if (outcome.spawnError === 'EACCES') return notStarted(126, `${argv0}: permission denied (not executable)\n`);
  if (outcome.spawnError) return notStarted(126, `${argv0}: could not be started (${outcome.spawnError})\n`);
  return {
    exitCode: outcome.exitCode,
    ...(outcome.signal ? { signal: outcome.signal } : {}),
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    timedOut: outcome.timedOut,
    truncated: outcome.truncated,
  };
}

/**
 * The command must end early enough for its result (and the kill grace) to
 * reach the gateway before the gateway gives up on the call: a timed-out
 * result with partial output is more useful than the gateway's TIMEOUT.
 */
export function runTimeout(requestedMs: number, deadlineMs: number | undefined): number {
  if (deadlineMs === undefined) return requestedMs;
  const bound = deadlineMs > 2 * DEADLINE_MARGIN_MS ? deadlineMs - DEADLINE_MARGIN_MS : Math.ceil(deadlineMs / 2);
  return Math.min(requestedMs, bound);
}

function notStarted(exitCode: number, stderr: string): SystemRunResult {
  return { exitCode, stdout: '', stderr, timedOut: false, truncated: { stdout: false, stderr: false } };
}

function describeEnd(result: SystemRunResult): string {
  if (result.timedOut) return `timed out (${result.signal ?? 'killed'})`;
  if (result.signal) return `ended by ${result.signal}`;
  return `exited ${result.exitCode}`;
}

export function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
