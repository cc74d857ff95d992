import { Injectable } from '@nestjs/common';
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { GatewayRuntime } from '../../config/gateway-runtime';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
/** One retry covers a dropped connection or a momentary 5xx without doubling a slow failure. */
const MAX_RETRIES = 1;

/** What the provider needs from a Chat Completions endpoint; tests give a fake. */
export interface ChatCompletionsClient {
  /** `timeoutMs` bounds this call, retries included (default agent.timeoutMs). */
  complete(body: ChatCompletionCreateParamsNonStreaming, signal: AbortSignal, timeoutMs?: number): Promise<ChatCompletion>;
}

export type ChatClientFailure = 'http' | 'network' | 'timeout' | 'invalid-response';

/** A failed call, classified; `status` for HTTP errors. Never carries the upstream body. */
export class ChatClientError extends Error {
  constructor(
    readonly kind: ChatClientFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChatClientError';
  }
}

/**
 * The official `openai` SDK, pointed at agent.baseUrl. Every option the SDK
 * would otherwise read from the environment is given explicitly: config was
 * resolved once, by loadConfig. The SDK is loaded on first use, so a gateway
 * on the builtin provider never pays for it.
 */
@Injectable()
export class OpenAiChatClient implements ChatCompletionsClient {
  private sdk?: Promise<OpenAI>;

  constructor(private readonly gateway: GatewayRuntime) {}

  async complete(
    body: ChatCompletionCreateParamsNonStreaming,
    signal: AbortSignal,
    timeoutMs = this.gateway.config.agent.timeoutMs,
  ): Promise<ChatCompletion> {
    const client = await (this.sdk ??= this.createSdk());
    const { APIError, APIConnectionError, APIConnectionTimeoutError } = await import('openai');
    // Our own deadline over the whole call, retries included; knowing it fired beats guessing from the SDK's error.
    const deadline = AbortSignal.timeout(timeoutMs);
    let completion: unknown;
    try {
      completion = await client.chat.completions.create(body, {
        signal: AbortSignal.any([signal, deadline]),
        timeout: timeoutMs,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (deadline.aborted || error instanceof APIConnectionTimeoutError) {
        throw new ChatClientError('timeout', 'the model endpoint did not answer in time');
      }
      if (error instanceof APIConnectionError) {
        throw new ChatClientError('network', `could not reach the model endpoint (${causeCode(error)})`);
      }
      if (error instanceof APIError && typeof error.status === 'number') {
        throw new ChatClientError('http', `the model endpoint answered HTTP ${error.status}`, error.status);
      }
      // By name: the parser's SyntaxError may come from another realm than ours.
      if ((error as Error)?.name === 'SyntaxError')
        throw new ChatClientError('invalid-response', 'the model endpoint sent invalid JSON');
      throw error;
    }
    if (!isCompletion(completion))
      throw new ChatClientError('invalid-response', 'the model endpoint sent something that is not a chat completion');
    return completion;
  }

  private async createSdk(): Promise<OpenAI> {
    const { default: OpenAIClient } = await import('openai');
    const { baseUrl, apiKey, timeoutMs } = this.gateway.config.agent;
    return new OpenAIClient({
      baseURL: baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      // Local servers often need no key, but the SDK insists on one.
      apiKey: apiKey ?? 'unused',
      adminAPIKey: null,
      organization: null,
      project: null,
      webhookSecret: null,
      timeout: timeoutMs,
      maxRetries: MAX_RETRIES,
      logLevel: 'off',
    });
  }
}

function isCompletion(value: unknown): value is ChatCompletion {
  const choices = (value as { choices?: unknown } | null)?.choices;
  return (
    Array.isArray(choices) &&
    choices.length > 0 &&
    typeof (choices[0] as { message?: unknown })?.message === 'object' &&
    (choices[0] as { message?: unknown }).message !== null
  );
}

function causeCode(error: Error): string {
  const cause = (error as { cause?: { code?: unknown; cause?: { code?: unknown } } }).cause;
  const code = cause?.code ?? cause?.cause?.code;
  return typeof code === 'string' ? code : 'connection failed';
}
