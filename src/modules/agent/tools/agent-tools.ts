import { Injectable, Logger, Optional } from '@nestjs/common';
import * as os from 'node:os';
import { checkExecEnv, describeEnvRefusal, SAFE_EXEC_ENV_LIST } from '../../../common/exec/env-policy';
import type { ExecApprovalAnswer } from '../../../common/protocol';
import { MAX_ENV_NAME_LENGTH, MAX_ENV_VALUE_LENGTH, MAX_ENV_VARIABLES } from '../../../common/exec';
import type { ReplyImage } from '../agent.types';
import { ExecApprovalsService } from '../../approvals/exec-approvals.service';
import { GatewayRuntime } from '../../config/gateway-runtime';
import { DomainError } from '../../../common/domain-error';
import { wireCodeOf } from '../../gateway/rpc/wire-errors';
import { NodesError } from '../../nodes/nodes.errors';
import { DEFAULT_INVOKE_TIMEOUT_MS, MAX_INVOKE_TIMEOUT_MS } from '../../nodes/nodes.types';
import { NodesService } from '../../nodes/nodes.service';
import { HOST_EXEC_CWD, HostExecRunner } from './host-exec.runner';
import { BROWSER_TOOL, BrowserTool } from './browser.tool';

/** A tool as offered to a model: JSON Schema parameters, no provider types. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  name: string;
  /** The model's arguments as JSON text, unparsed. */
  arguments: string;
  callId: string;
}

export interface ToolContext {
  runId: string;
  signal: AbortSignal;
  /** Shown with an exec approval prompt. */
  sessionKey?: string;
}

/** What goes back to the model; `ok` is for events and logs. */
export interface ToolOutcome {
  ok: boolean;
  content: string;
  /** Pictures for the reply (browser screenshots); the model sees only `content`. */
  images?: ReplyImage[];
}

/** Tool output beyond this is cut, so one chatty command cannot flood the model's context. */
export const MAX_TOOL_RESULT_CHARS = 16_000;
export const EXEC_DEFAULT_TIMEOUT_MS = 30_000;
export const EXEC_MAX_TIMEOUT_MS = 120_000;
/** A node's own command timeout plus this is how long the gateway waits for its answer. */
const NODE_ANSWER_MARGIN_MS = 5_000;

const NODES_LIST: ToolDefinition = {
  name: 'nodes_list',
  description: 'List the devices (nodes) connected to this gateway: name, id, platform and the commands each can run.',
  parameters: { type: 'object', properties: {}, additionalProperties: false },
};

const SYSTEM_RUN = 'system.run';

const NODE_INVOKE: ToolDefinition = {
  name: 'node_invoke',
  description:
    'Run a command on a connected node. For a shell command use command "system.run" with params ' +
    '{"command": ["argv0", "arg1", ...]} (no shell: pass each argument separately); optional params: cwd, timeoutMs. ' +
    'The result is the node\'s answer as JSON, e.g. {"exitCode":0,"stdout":"...","stderr":"","timedOut":false}, or an error.',
  parameters: {
    type: 'object',
    properties: {
      node: { type: 'string', description: 'The node id or its display name (see nodes_list).' },
      command: { type: 'string', description: 'The node command, usually "system.run".' },
      params: { type: 'object', description: 'Parameters of the command, e.g. {"command": ["uname", "-a"]} for system.run.' },
    },
    required: ['node', 'command'],
    additionalProperties: false,
  },
};

const EXEC: ToolDefinition = {
  name: 'exec',
  description:
    'Run a program on the gateway machine itself (not on a node). Only allowlisted programs may run; ' +
    'argv[0] must be exactly one of them (or, when approvals are on, the owner is asked first). No shell: pass each argument separately.',
  parameters: {
    type: 'object',
    properties: {
      argv: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Program and arguments, e.g. ["uptime"].' },
      env: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: `Optional environment variables; only ${SAFE_EXEC_ENV_LIST} are accepted.`,
      },
      timeoutMs: { type: 'integer', description: `At most ${EXEC_MAX_TIMEOUT_MS} ms; default ${EXEC_DEFAULT_TIMEOUT_MS}.` },
    },
    required: ['argv'],
    additionalProperties: false,
  },
};

/**
 * The tools a model may call. execute() never throws: every failure becomes
 * an error the model can read and react to, so one bad call never ends the run.
 */
@Injectable()
export class AgentTools {
  private readonly logger = new Logger('AgentTools');

  constructor(
    private readonly nodes: NodesService,
    private readonly exec: HostExecRunner,
    private readonly gateway: GatewayRuntime,
    private readonly approvals: ExecApprovalsService,
    // Optional so callers that build the tools by hand (unit tests) need not know about the browser.
    @Optional() private readonly browser?: BrowserTool,
  ) {}

  definitions(): ToolDefinition[] {
    const nodeInvoke = this.nodeInvokeDefinition();
    const tools = this.gateway.config.tools.exec.enabled ? [NODES_LIST, nodeInvoke, EXEC] : [NODES_LIST, nodeInvoke];
    return this.browser?.enabled ? [...tools, BROWSER_TOOL] : tools;
  }

  /**
   * system.run's env is offered to the model only when a connected node runs
   * everything anyway (its exec policy is "full"): anywhere else a variable
   * could turn an approved program into another one, and the model is where
   * prompt injection from a chat speaks.
   */
  private nodeInvokeDefinition(): ToolDefinition {
    const anyEnv = this.nodes
      .list()
      .filter((node) => node.connected && node.permissions.execEnv === true)
      .map((node) => node.displayName ?? node.nodeId);
    if (anyEnv.length === 0) return NODE_INVOKE;
    return {
      ...NODE_INVOKE,
      description: `${NODE_INVOKE.description} Only on ${anyEnv.join(', ')}: system.run also takes env (an object of variables).`,
    };
  }

  async execute(call: ToolCall, context: ToolContext): Promise<ToolOutcome> {
    try {
      const args = parseArguments(call.arguments);
      switch (call.name) {
        case NODES_LIST.name:
          return this.listNodes();
        case NODE_INVOKE.name:
          return await this.invokeNode(args, call.callId, context);
        case EXEC.name:
          return await this.runOnHost(args, context);
        case BROWSER_TOOL.name:
          return this.browser?.enabled ? await this.browser.execute(args, context) : failure('the browser tool is disabled');
        default:
          return failure(
            `unknown tool "${call.name}"; available tools: ${this.definitions()
              .map((t) => t.name)
              .join(', ')}`,
          );
      }
    } catch (error) {
      if (error instanceof ToolArgumentsError) return failure(error.message);
      this.logger.error(`tool ${call.name} failed`, (error as Error)?.stack ?? String(error));
      return failure('the tool failed inside the gateway; see the gateway log');
    }
  }

  private listNodes(): ToolOutcome {
    const nodes = this.nodes
      .list()
      .filter((node) => node.connected)
      .map((node) => ({
        name: node.displayName ?? null,
        id: node.nodeId,
        platform: node.platform ?? null,
        commands: node.commands,
      }));
    return { ok: true, content: JSON.stringify(nodes) };
  }

  private async invokeNode(args: Record<string, unknown>, callId: string, context: ToolContext): Promise<ToolOutcome> {
    const node = requireString(args, 'node');
    const command = requireString(args, 'command');
    const params = args.params;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      throw new ToolArgumentsError('invalid arguments: params must be an object');
    }
    const envRefusal =
      command === SYSTEM_RUN ? this.nodeEnvRefusal(node, (params as { env?: unknown } | undefined)?.env) : undefined;
    if (envRefusal) return failure(envRefusal);
    const commandTimeout = (params as { timeoutMs?: unknown } | undefined)?.timeoutMs;
    const timeoutMs =
      typeof commandTimeout === 'number' && commandTimeout > 0
        ? Math.min(commandTimeout + NODE_ANSWER_MARGIN_MS, MAX_INVOKE_TIMEOUT_MS)
        : DEFAULT_INVOKE_TIMEOUT_MS;
    try {
      const result = await this.nodes.invoke({
        nodeId: node,
        command,
        params,
        timeoutMs,
        // One key per tool call: a repeat of the same call (a retried run) does not run the command twice.
        idempotencyKey: `agent:${context.runId}:${callId}`,
      });
      return { ok: true, content: capped(result.payloadJSON ?? JSON.stringify(result.payload ?? null)) };
    } catch (error) {
      if (!(error instanceof NodesError)) throw error;
      const { nodeError } = error;
      // The same code an operator's node.invoke would get, so the model reads failures the way docs/protocol.md describes them.
      return {
        ok: false,
        content: JSON.stringify({ error: error.message, code: wireCodeOf(error), ...(nodeError ? { nodeError } : {}) }),
      };
    }
  }

  /**
   * The gateway's own check before a node's: the model may give system.run
   * only the safe variables, unless that node advertises it takes any (its
   * policy is "full"). The node decides again by its own policy.
   */
  private nodeEnvRefusal(nodeRef: string, env: unknown): string | undefined {
    if (env === undefined) return undefined;
    const shape = envShapeProblem(env);
    if (shape) throw new ToolArgumentsError(`invalid arguments: params.env ${shape}`);
    const wanted = nodeRef.toLowerCase();
    const targets = this.nodes
      .list()
      .filter((node) => node.connected && (node.nodeId === nodeRef || node.displayName?.toLowerCase() === wanted));
    if (targets.length === 1 && targets[0].permissions.execEnv === true) return undefined;
    const check = checkExecEnv(env as Record<string, string>);
    if (check.ok) return undefined;
    return `node_invoke refused: ${describeEnvRefusal(
      check.refused,
      'ask the owner to run the command from the CLI (nestclaw nodes invoke); the agent cannot set other variables on this node',
    )}`;
  }

  private async runOnHost(args: Record<string, unknown>, context: ToolContext): Promise<ToolOutcome> {
    const policy = this.gateway.config.tools.exec;
    if (!policy.enabled) return failure('exec refused: host exec is disabled (tools.exec.enabled is false)');
    const argv = args.argv;
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((part) => typeof part === 'string') || argv[0] === '') {
      throw new ToolArgumentsError('invalid arguments: argv must be a non-empty array of strings');
    }
    const env = args.env ?? {};
    const shape = envShapeProblem(env);
    if (shape) throw new ToolArgumentsError(`invalid arguments: env ${shape}`);
    // The same env rule as a node host's: only variables that cannot redirect execution.
    const envCheck = checkExecEnv(env as Record<string, string>);
    if (!envCheck.ok) {
      return failure(
        `exec refused: ${describeEnvRefusal(
          envCheck.refused,
          'wrap the program in a script on the gateway host that sets them, and allowlist the script (tools.exec.allowlist)',
        )}`,
      );
    }
    const refusal = await this.hostExecRefusal(argv as string[], env as Record<string, string>, policy, context);
    if (refusal) return failure(refusal);
    const requested = args.timeoutMs;
    const timeoutMs =
      typeof requested === 'number' && requested > 0 ? Math.min(requested, EXEC_MAX_TIMEOUT_MS) : EXEC_DEFAULT_TIMEOUT_MS;
    const outcome = await this.exec.run({
      argv: argv as string[],
      env: env as Record<string, string>,
      timeoutMs,
      signal: context.signal,
    });
    if (outcome.spawnError) return failure(`exec failed: could not start "${argv[0]}" (${outcome.spawnError})`);
    const truncated = outcome.truncated.stdout || outcome.truncated.stderr;
    return {
      ok: outcome.exitCode === 0 && !outcome.timedOut,
      content: capped(
        JSON.stringify({
          exitCode: outcome.exitCode,
          ...(outcome.signal ? { signal: outcome.signal } : {}),
          stdout: outcome.stdout,
          stderr: outcome.stderr,
          timedOut: outcome.timedOut,
          ...(truncated ? { truncated: true } : {}),
        }),
      ),
    };
  }

  /**
   * Allowed: argv[0] in tools.exec.allowlist (any arguments: the owner wrote
   * it), or this program with arguments fitting an earlier "allow always"
   * (host_exec_approvals). Otherwise, with tools.exec.ask, the operators are
   * asked (they see argv, cwd and env) and the run waits for the answer (or its expiry).
   */
  private async hostExecRefusal(
    argv: string[],
    env: Record<string, string>,
    policy: { allowlist: readonly string[]; ask: boolean },
    context: ToolContext,
  ): Promise<string | undefined> {
    const program = argv[0];
    if (policy.allowlist.includes(program) || this.approvals.isAllowedOnGateway(argv)) return undefined;
    if (!policy.ask) {
      const allowed = policy.allowlist.length > 0 ? policy.allowlist.join(', ') : 'nothing';
      return `exec refused: "${program}" is not in tools.exec.allowlist (allowed: ${allowed})`;
    }
    let answer: ExecApprovalAnswer;
    try {
      answer = await this.approvals.request(
        { host: 'gateway', hostName: os.hostname(), argv, cwd: HOST_EXEC_CWD, env, sessionKey: context.sessionKey },
        { signal: context.signal },
      );
    } catch (error) {
      if (error instanceof DomainError) return `exec refused: ${error.message}`;
      throw error;
    }
    if (answer.decision !== 'deny') return undefined;
    if (answer.reason === 'expired') return `exec refused: nobody approved "${program}" before the approval request expired`;
    if (answer.reason === 'withdrawn') return `exec refused: the approval request for "${program}" was withdrawn`;
    return `exec refused: "${program}" was denied by ${answer.decidedBy ?? 'an operator'}`;
  }
}

class ToolArgumentsError extends Error {}

/** The bounds a node host puts on system.run's env, for the model's env on either host. */
function envShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object of string values';
  const entries = Object.entries(value);
  if (entries.length > MAX_ENV_VARIABLES) return `has ${entries.length} variables; at most ${MAX_ENV_VARIABLES} are accepted`;
  for (const [name, item] of entries) {
    if (name.length > MAX_ENV_NAME_LENGTH || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      return 'names must be variable names (letters, digits, _)';
    if (typeof item !== 'string' || item.length > MAX_ENV_VALUE_LENGTH || item.includes('\0'))
      return `values must be strings of at most ${MAX_ENV_VALUE_LENGTH} characters without NUL`;
  }
  return undefined;
}

function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ToolArgumentsError('invalid arguments: not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ToolArgumentsError('invalid arguments: expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function requireString(args: Record<string, unknown>, name: string): string {
  const value = args[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new ToolArgumentsError(`invalid arguments: ${name} must be a non-empty string`);
  return value.trim();
}

function failure(message: string): ToolOutcome {
  return { ok: false, content: JSON.stringify({ error: message }) };
}

function capped(text: string): string {
  if (text.length <= MAX_TOOL_RESULT_CHARS) return text;
  return `${text.slice(0, MAX_TOOL_RESULT_CHARS)}… [cut: ${text.length - MAX_TOOL_RESULT_CHARS} more characters]`;
}
