import type { AgentRunStatus, AgentStreamEvent } from '../../common/protocol';

export type { AgentRunStatus, AgentStreamEvent };
/** Who started a run: a chat message on a channel, or an operator method (agent, chat.send). */
export type AgentRunOrigin =
  | { kind: 'channel'; channel: string; chatId: string; senderId: string; senderName?: string }
  | { kind: 'operator'; connId?: string };

export interface AgentRunRequest {
  sessionKey: string;
  message: string;
  origin: AgentRunOrigin;
  /** Chosen by the caller when it must announce the id before the run ends (the `agent` ack). */
  runId?: string;
  /** Id of the message at its source; a redelivered message is recorded once. */
  sourceRef?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Instructions added to the system prompt for this run only (the `agent` method's extraSystemPrompt). */
  extraSystemPrompt?: string;
}

/** A picture that goes out with the reply (a browser screenshot): a file the gateway wrote under its state dir. */
export interface ReplyImage {
  path: string;
  mimeType: string;
}

export interface AgentRunResult {
  runId: string;
  sessionKey: string;
  status: AgentRunStatus;
  /** Always something to show the user: the answer, or a short apology. */
  text: string;
  /** Pictures the tools produced for this answer, in order; absent when none. */
  images?: ReplyImage[];
  /** For logs and operators, never for chat users. */
  error?: string;
  durationMs: number;
  /**
   * Set when the gateway cut the run short because it is stopping: nothing was
   * answered, so the caller should run the message again after the restart
   * rather than treat this result as the answer.
   */
  retryable?: boolean;
}
