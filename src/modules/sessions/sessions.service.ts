import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { GatewayRuntime } from '../config/gateway-runtime';
import { SessionsRepository } from './sessions.repository';
import type { NewTranscriptEntry, SessionInfo, SessionPatch, SessionRecord, TranscriptEntry } from './sessions.types';
import { SessionsErrors } from './sessions.errors';
import type { SessionEntry, SessionPreview, SessionSummary } from '../../common/protocol';

export type { SessionEntry, SessionPreview, SessionSummary };

/**
 * Conversations and their transcripts. A reset starts a new generation, so
 * old turns stay on disk (for audit) but never reach the model again.
 */
@Injectable()
export class SessionsService implements OnModuleInit {
  /** Kept in memory because status and health report it on every call. */
  private sessionCount = 0;
  /**
   * The newest sessions as health last read them. Every write goes through
   * this service and drops it, so health and each hello-ok read SQLite only
   * after something changed, not per call.
   */
  private recentCache?: { limit: number; sessions: Array<Pick<SessionSummary, 'sessionKey' | 'channel' | 'lastMessageAtMs'>> };

  constructor(
    private readonly repo: SessionsRepository,
    private readonly clock: Clock,
    private readonly runtime: GatewayRuntime,
  ) {}

  onModuleInit(): void {
    this.sessionCount = this.repo.count();
  }

  get count(): number {
    return this.sessionCount;
  }

  ensure(sessionKey: string, info: SessionInfo): SessionRecord {
    this.recentCache = undefined;
    if (this.repo.upsert(sessionKey, info, this.clock.now())) this.sessionCount++;
    return this.repo.find(sessionKey)!;
  }

  find(sessionKey: string): SessionRecord | undefined {
    return this.repo.find(sessionKey);
  }

  /** Adds a turn to the current transcript; undefined when its sourceRef was stored before (a redelivery). */
  append(sessionKey: string, entry: NewTranscriptEntry): TranscriptEntry | undefined {
    const session = this.require(sessionKey);
    this.recentCache = undefined;
    return this.repo.append(sessionKey, session.generation, entry, this.clock.now());
  }

  /** The newest turns of the current transcript, oldest first, at most the history limit. */
  history(sessionKey: string, limit = this.runtime.config.agent.historyLimit): TranscriptEntry[] {
    const session = this.repo.find(sessionKey);
    if (!session) return [];
    return this.repo.history(sessionKey, session.generation, Math.min(limit, this.runtime.config.agent.historyLimit));
  }

  reset(sessionKey: string): { sessionKey: string; generation: number } {
    this.require(sessionKey);
    this.recentCache = undefined;
    return { sessionKey, generation: this.repo.nextGeneration(sessionKey, this.clock.now()) };
  }

  /** The session as sessions.patch/reset answer it; undefined when there is none. */
  entry(sessionKey: string): SessionEntry | undefined {
    const s = this.repo.find(sessionKey);
    if (!s) return undefined;
    return {
      sessionKey: s.sessionKey,
      sessionId: `${s.sessionKey}#${s.generation}`,
      channel: s.channel,
      displayName: s.displayName,
      label: s.label,
      model: s.model,
      generation: s.generation,
      createdAtMs: s.createdAtMs,
      updatedAtMs: s.updatedAtMs,
      lastMessageAtMs: s.lastMessageAtMs,
    };
  }

  patch(sessionKey: string, patch: SessionPatch): SessionEntry {
    this.require(sessionKey);
    this.repo.patch(sessionKey, patch, this.clock.now());
    return this.entry(sessionKey)!;
  }

  /** Forgets the session and its whole transcript; false when there was none. */
  delete(sessionKey: string): boolean {
    const deleted = this.repo.delete(sessionKey);
    if (deleted) this.sessionCount--;
    return deleted;
  }

  /**
   * The newest turns of each session, each text cut to maxChars. Unknown keys
   * answer "missing" rather than failing the whole call, as the reference does.
   */
  preview(keys: readonly string[], limit: number, maxChars: number): SessionPreview[] {
    return keys.map((key) => {
      const session = this.repo.find(key);
      if (!session) return { key, status: 'missing', items: [] };
      const items = this.repo
        .history(key, session.generation, limit)
        .map((e) => ({ role: e.role, text: cut(e.content, maxChars) }));
      return { key, status: items.length > 0 ? 'ok' : 'empty', items };
    });
  }

  /** The last active sessions, for the health snapshot that every handshake carries. */
  recent(limit: number): Array<Pick<SessionSummary, 'sessionKey' | 'channel' | 'lastMessageAtMs'>> {
    if (this.recentCache?.limit !== limit) {
      const sessions = this.repo
        .recent(limit)
        .map((s) => ({ sessionKey: s.sessionKey, channel: s.channel, lastMessageAtMs: s.lastMessageAtMs }));
      this.recentCache = { limit, sessions };
    }
    // Copies: callers put these into payloads that must not share our cache.
    return this.recentCache.sessions.map((s) => ({ ...s }));
  }

  list(limit = 200): SessionSummary[] {
    return this.repo.list(limit).map((s) => ({
      sessionKey: s.sessionKey,
      channel: s.channel,
      displayName: s.displayName,
      label: s.label,
      model: s.model,
      chatId: s.chatId,
      messageCount: s.messageCount,
      lastMessageAtMs: s.lastMessageAtMs,
      createdAtMs: s.createdAtMs,
    }));
  }

  private require(sessionKey: string): SessionRecord {
    const session = this.repo.find(sessionKey);
    if (!session) throw SessionsErrors.unknownSession(sessionKey);
    return session;
  }
}

function cut(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= maxChars ? flat : `${flat.slice(0, maxChars - 1)}…`;
}
