import type { ReplyImage } from '../agent.types';

/** One earlier turn of the conversation, as a provider sees it. */
export interface HistoryTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** Everything a provider needs for one answer. */
export interface ProviderTurn {
  runId: string;
  sessionKey: string;
  message: string;
  /** Earlier turns of this session, oldest first, without the current message. */
  history: HistoryTurn[];
  /** Aborted on timeout, abort or shutdown; pass it to every slow call. */
  signal: AbortSignal;
  /** The run's whole time budget; no single call needs longer. */
  timeoutMs: number;
  /** The session's own model (sessions.patch); agent.model when unset. */
  model?: string;
  /** Extra instructions from the caller (the `agent` method's extraSystemPrompt). */
  extraSystemPrompt?: string;
  /** Streams a piece of the run to operators (`agent` events). */
  emit(stream: 'assistant' | 'tool', data: Record<string, unknown>): void;
}

export interface ProviderReply {
  text: string;
  /** Pictures tools made during the turn (browser screenshots), sent with the text. */
  images?: ReplyImage[];
}

/** Something that answers a message: builtin commands, or a model. */
export interface AgentProvider {
  readonly name: string;
  reply(turn: ProviderTurn): Promise<ProviderReply>;
}

/**
 * A provider's expected failure: `userText` is a short apology safe to show
 * in a chat, `logText` says what happened without upstream text or secrets.
 */
export class ProviderFailure extends Error {
  constructor(
    readonly status: 'error' | 'timeout',
    readonly userText: string,
    readonly logText: string,
  ) {
    super(logText);
    this.name = 'ProviderFailure';
  }
}
