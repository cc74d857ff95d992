import type { TranscriptRole } from '../../common/protocol';

export type { TranscriptRole };
export interface SessionInfo {
  channel: string;
  accountId?: string;
  chatId?: string;
  peerId?: string;
  displayName?: string;
}

export interface SessionRecord extends SessionInfo {
  sessionKey: string;
  generation: number;
  /** An operator's name for it (sessions.patch). */
  label?: string;
  /** The model its runs use instead of agent.model (sessions.patch). */
  model?: string;
  createdAtMs: number;
  updatedAtMs: number;
  lastMessageAtMs?: number;
}

export interface TranscriptEntry {
  id: number;
  sessionKey: string;
  generation: number;
  role: TranscriptRole;
  content: string;
  meta?: Record<string, unknown>;
  runId?: string;
  sourceRef?: string;
  createdAtMs: number;
}

export interface NewTranscriptEntry {
  role: TranscriptRole;
  content: string;
  meta?: Record<string, unknown>;
  runId?: string;
  /** An id from the source (e.g. a Telegram update id): the same ref is stored once per session. */
  sourceRef?: string;
}

/** What sessions.patch may change; null clears a value, undefined leaves it. */
export interface SessionPatch {
  label?: string | null;
  model?: string | null;
}
