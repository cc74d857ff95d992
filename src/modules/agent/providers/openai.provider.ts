import { Inject, Injectable } from '@nestjs/common';
import type {
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { GatewayRuntime } from '../../config/gateway-runtime';
import type { ReplyImage } from '../agent.types';
import { AgentTools, ToolDefinition } from '../tools/agent-tools';
import { AgentProvider, ProviderFailure, ProviderReply, ProviderTurn } from './agent-provider';
import { ChatClientError, ChatCompletionsClient, OpenAiChatClient } from './openai-chat.client';

export const DEFAULT_SYSTEM_PROMPT = [
  "You are a personal assistant running on the user's own nestclaw gateway. Answer briefly and plainly.",
  'The user can connect devices ("nodes") to the gateway. nodes_list shows them; node_invoke runs a command on one,',
  'e.g. {"node": "garage", "command": "system.run", "params": {"command": ["uptime"]}}.',
  'Run commands only when the user asks for something that needs them, and report their output faithfully.',
].join(' ');

/** Tool events carry a preview; the model gets the whole result. */
const EVENT_PREVIEW_CHARS = 2_000;

/**
 * Any OpenAI-compatible Chat Completions endpoint with tool calling: the
 * model answers, or asks for tools, whose results go back to it, for at most
 * agent.maxSteps model calls per run.
 */
@Injectable()
export class OpenAiProvider implements AgentProvider {
  readonly name = 'openai';

  constructor(
    @Inject(OpenAiChatClient) private readonly client: ChatCompletionsClient,
    private readonly tools: AgentTools,
    private readonly gateway: GatewayRuntime,
  ) {}

  async reply(turn: ProviderTurn): Promise<ProviderReply> {
    const { maxSteps } = this.gateway.config.agent;
    const model = turn.model ?? this.gateway.config.agent.model;
    if (!model) {
      throw new ProviderFailure(
        'error',
        'Sorry, I cannot answer yet: the gateway has no model configured (agent.model).',
        'agent.provider is "openai" but agent.model is not set',
      );
    }
    const tools = this.tools.definitions().map(toOpenAiTool);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: this.systemPrompt(turn) },
      ...turn.history.map((entry): ChatCompletionMessageParam => ({ role: entry.role, content: entry.content })),
      { role: 'user', content: turn.message },
    ];

    const images: ReplyImage[] = [];
    for (let step = 1; step <= maxSteps; step++) {
      const message = await this.complete({ model, messages, tools }, turn);
      const text = typeof message.content === 'string' ? message.content.trim() : '';
      const calls = (message.tool_calls ?? [])
        .filter((call): call is ChatCompletionMessageFunctionToolCall => call.type === 'function')
        .map((call, index) => ({ ...call, id: call.id || `call_${step}_${index}` }));
      if (calls.length === 0) {
        if (!text)
          throw new ProviderFailure(
            'error',
            'Sorry, the model returned an empty answer. Please try again.',
            'the model returned no text and no tool calls',
          );
        return images.length > 0 ? { text, images } : { text };
      }
      if (text) turn.emit('assistant', { text, step });
      messages.push({ role: 'assistant', content: message.content ?? null, tool_calls: calls });
      for (const call of calls) {
        const { name, arguments: rawArgs } = call.function;
        turn.emit('tool', { phase: 'call', name, callId: call.id, args: parsedOrRaw(rawArgs) });
        const outcome = await this.tools.execute(
          { name, arguments: rawArgs ?? '', callId: call.id },
          { runId: turn.runId, signal: turn.signal, sessionKey: turn.sessionKey },
        );
        turn.emit('tool', { phase: 'result', name, callId: call.id, ok: outcome.ok, result: preview(outcome.content) });
        if (outcome.images) images.push(...outcome.images);
        messages.push({ role: 'tool', tool_call_id: call.id, content: outcome.content });
      }
    }
    throw new ProviderFailure(
      'error',
      `Sorry, I gave up: the model kept calling tools for ${maxSteps} steps without a final answer.`,
      `tool step limit reached (agent.maxSteps = ${maxSteps})`,
    );
  }

  private systemPrompt(turn: ProviderTurn): string {
    const base = this.gateway.config.agent.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
    return turn.extraSystemPrompt ? `${base}\n\n${turn.extraSystemPrompt}` : base;
  }

  private async complete(
    body: { model: string; messages: ChatCompletionMessageParam[]; tools: ChatCompletionTool[] },
    turn: ProviderTurn,
  ) {
    try {
      const completion = await this.client.complete({ ...body, messages: [...body.messages] }, turn.signal, turn.timeoutMs);
      return completion.choices[0].message;
    } catch (error) {
      if (error instanceof ChatClientError) throw failureOf(error);
      throw error;
    }
  }
}

function failureOf(error: ChatClientError): ProviderFailure {
  switch (error.kind) {
    case 'timeout':
      return new ProviderFailure('timeout', 'Sorry, the model did not answer in time. Please try again.', error.message);
    case 'network':
      return new ProviderFailure('error', 'Sorry, I could not reach the model right now. Please try again later.', error.message);
    case 'invalid-response':
      return new ProviderFailure('error', 'Sorry, the model sent an answer I could not read. Please try again.', error.message);
    case 'http':
      return new ProviderFailure('error', httpApology(error.status), error.message);
  }
}

function httpApology(status: number | undefined): string {
  if (status === 401 || status === 403)
    return "Sorry, the model endpoint refused the gateway's credentials; the owner should check agent.apiKey.";
  if (status === 404)
    return 'Sorry, the model endpoint does not know the configured model; the owner should check agent.model and agent.baseUrl.';
  if (status === 429) return 'Sorry, the model is rate-limited right now. Please try again in a moment.';
  return `Sorry, the model endpoint had a problem (HTTP ${status ?? 'error'}). Please try again later.`;
}

function toOpenAiTool(tool: ToolDefinition): ChatCompletionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

function parsedOrRaw(text: string | undefined): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return preview(text);
  }
}

function preview(text: string): string {
  return text.length <= EVENT_PREVIEW_CHARS ? text : `${text.slice(0, EVENT_PREVIEW_CHARS)}…`;
}
