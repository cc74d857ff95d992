import { Injectable } from '@nestjs/common';
import { Clock } from '../../../common/clock';
import { GatewayRuntime } from '../../config/gateway-runtime';
import { DomainError } from '../../../common/domain-error';
import { NodesService } from '../../nodes/nodes.service';
import { SessionsService } from '../../sessions/sessions.service';
import type { AgentProvider, ProviderReply, ProviderTurn } from './agent-provider';
import { parseSlashCommand, splitArgs } from './slash-command';

/** Output of `/run` kept per stream; a chat is no place for a full log. */
export const RUN_OUTPUT_MAX_CHARS = 1_500;

type CommandHandler = (rest: string, turn: ProviderTurn) => string | Promise<string>;

/**
 * The provider that needs no model: a few slash commands, and for anything
 * else a hint on how to configure one. Its commands also work when a model
 * is configured (AgentProviders sends them here first).
 */
@Injectable()
export class BuiltinProvider implements AgentProvider {
  readonly name = 'builtin';
  private readonly commands: Record<string, CommandHandler> = {
    help: () => this.help(),
    // Telegram sends /start when someone first opens a chat with the bot.
    start: () => this.help(),
    status: (_rest, turn) => this.status(turn.sessionKey),
    nodes: () => this.listNodes(),
    run: (rest, turn) => this.run(rest, turn),
    reset: (_rest, turn) => this.reset(turn.sessionKey),
  };

  constructor(
    private readonly gateway: GatewayRuntime,
    private readonly nodes: NodesService,
    private readonly sessions: SessionsService,
    private readonly clock: Clock,
  ) {}

  /** Whether the message is one of this provider's commands. */
  handles(message: string): boolean {
    const command = parseSlashCommand(message);
    return command !== undefined && Object.hasOwn(this.commands, command.name);
  }

  async reply(turn: ProviderTurn): Promise<ProviderReply> {
    const command = parseSlashCommand(turn.message);
    if (!command) return { text: this.noModelHint() };
    if (!Object.hasOwn(this.commands, command.name)) return { text: `Unknown command /${command.name}. Try /help.` };
    return { text: await this.commands[command.name](command.rest, turn) };
  }

  private help(): string {
    const { provider, model } = this.gateway.config.agent;
    return [
      'Commands:',
      '/status – gateway version, uptime, nodes and this conversation',
      '/nodes – connected nodes and the commands they accept',
      '/run <node> <program> [args…] – run a program on a node (system.run)',
      '/reset – start a fresh conversation',
      '/help – this list',
      '',
      provider === 'openai'
        ? `Anything else goes to the model${model ? ` (${model})` : ''}.`
        : 'No model is configured, so other messages only get a hint on how to set one up.',
    ].join('\n');
  }

  private noModelHint(): string {
    return [
      'No AI model is configured on this gateway yet, so I can only run commands (try /help).',
      'To talk to a model, set agent.provider to "openai" and agent.model in the gateway config, plus agent.baseUrl',
      'for any OpenAI-compatible endpoint (e.g. a local server) and agent.apiKey (or OPENAI_API_KEY), then restart the gateway.',
    ].join(' ');
  }

  private status(sessionKey: string): string {
    const { version, startedAtMs, config } = this.gateway;
    const connected = this.nodes.list().filter((node) => node.connected);
    const names = connected.map((node) => node.displayName ?? shortId(node.nodeId));
    const messages =
      this.sessions.list().find((session) => session.sessionKey === sessionKey)?.messageCount ??
      this.sessions.history(sessionKey).length;
    const model =
      config.agent.provider === 'openai'
        ? `${config.agent.model ?? '(agent.model not set)'} via ${endpointHost(config.agent.baseUrl)}`
        : 'none (builtin commands only)';
    return [
      `nestclaw ${version}, up ${formatUptime(this.clock.now() - startedAtMs)}`,
      `model: ${model}`,
      `nodes: ${connected.length} connected${names.length > 0 ? ` (${names.join(', ')})` : ''}`,
      `this conversation: ${messages} message${messages === 1 ? '' : 's'} (${sessionKey})`,
    ].join('\n');
  }

  private listNodes(): string {
    const nodes = this.nodes.list();
    if (nodes.length === 0)
      return 'No nodes yet. Start one with `nestclaw node run --url <gateway url>` on the machine to control.';
    return nodes
      .map((node) => {
        const name = node.displayName ?? '(no name)';
        const state = node.connected ? `${node.platform ?? 'unknown platform'}, connected` : 'offline';
        const commands = node.connected
          ? ` – ${node.commands.length > 0 ? node.commands.join(', ') : 'no commands allowed'}`
          : '';
        return `• ${name} [${node.nodeId}] (${state})${commands}`;
      })
      .join('\n');
  }

  private async run(rest: string, turn: ProviderTurn): Promise<string> {
    const usage = 'Usage: /run <node> <program> [args…], e.g. /run garage uptime';
    let words: string[];
    try {
      words = splitArgs(rest);
    } catch (error) {
      return `${usage}\n(${(error as Error).message})`;
    }
    const [node, ...argv] = words;
    if (!node || argv.length === 0) return usage;
    try {
      const result = await this.nodes.invoke({
        nodeId: node,
        command: 'system.run',
        params: { command: argv },
        idempotencyKey: `agent:${turn.runId}:run`,
      });
      return formatRunResult(node, argv, result.payload);
    } catch (error) {
      // Our own errors say what is wrong and how to fix it; anything else is the runtime's to log.
      if (error instanceof DomainError) return `Could not run that on ${node}: ${error.message}`;
      throw error;
    }
  }

  private reset(sessionKey: string): string {
    this.sessions.reset(sessionKey);
    return 'Started a fresh conversation. Earlier messages stay in the log but are no longer part of the context.';
  }
}

interface SystemRunPayload {
  exitCode?: number | null;
  stdout?: string;
  stderr?: string;
  timedOut?: boolean;
}

export function formatRunResult(node: string, argv: string[], payload: unknown): string {
  const result = (payload ?? {}) as SystemRunPayload;
  const lines = [`${node} $ ${argv.join(' ')}`];
  const stdout = clip(result.stdout ?? '');
  const stderr = clip(result.stderr ?? '');
  if (stdout) lines.push(stdout);
  if (stderr) lines.push(`stderr: ${stderr}`);
  const exit = result.exitCode === null || result.exitCode === undefined ? 'no exit code' : `exit code ${result.exitCode}`;
  lines.push(result.timedOut ? `${exit} (timed out)` : exit);
  return lines.join('\n');
}

function clip(text: string): string {
  const trimmed = text.replace(/\s+$/, '');
  if (trimmed.length <= RUN_OUTPUT_MAX_CHARS) return trimmed;
  return `${trimmed.slice(0, RUN_OUTPUT_MAX_CHARS)}… (${trimmed.length - RUN_OUTPUT_MAX_CHARS} more characters)`;
}

function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 12)}…` : id;
}

function endpointHost(baseUrl: string | undefined): string {
  if (!baseUrl) return 'api.openai.com';
  try {
    return new URL(baseUrl).host;
  } catch {
    return 'agent.baseUrl';
  }
}

export function formatUptime(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}
