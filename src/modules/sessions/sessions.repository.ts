import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DatabaseService } from '../state/database.service';
import { optional, Row } from '../state/sql-row';
import type { NewTranscriptEntry, SessionInfo, SessionPatch, SessionRecord, TranscriptEntry } from './sessions.types';

@Injectable()
export class SessionsRepository {
  private readonly db: Database.Database;

  constructor(database: DatabaseService) {
    this.db = database.db;
  }

  find(sessionKey: string): SessionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE session_key = ?').get(sessionKey) as Row | undefined;
    return row ? toSession(row) : undefined;
  }

  /** Creates the session, or refreshes its display name; returns true when it was new. */
  upsert(sessionKey: string, info: SessionInfo, nowMs: number): boolean {
    const inserted =
      this.db
        .prepare(
          `INSERT OR IGNORE INTO sessions (session_key, channel, account_id, chat_id, peer_id, display_name, created_at_ms, updated_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          sessionKey,
          info.channel,
          info.accountId ?? null,
          info.chatId ?? null,
          info.peerId ?? null,
          info.displayName ?? null,
          nowMs,
          nowMs,
        ).changes > 0;
    if (!inserted && info.displayName) {
      this.db
        .prepare('UPDATE sessions SET display_name = ?, updated_at_ms = ? WHERE session_key = ?')
        .run(info.displayName, nowMs, sessionKey);
    }
    return inserted;
  }

  list(limit: number): Array<SessionRecord & { messageCount: number }> {
    const rows = this.db
      .prepare(
        `SELECT s.*, (SELECT COUNT(*) FROM transcript_entries t WHERE t.session_key = s.session_key AND t.generation = s.generation) AS message_count
         FROM sessions s ORDER BY COALESCE(s.last_message_at_ms, s.created_at_ms) DESC LIMIT ?`,
      )
      .all(limit) as Row[];
    return rows.map((row) => ({ ...toSession(row), messageCount: row.message_count }));
  }

  /** Newest first, without message counts: cheap enough for every health snapshot. */
  recent(limit: number): SessionRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM sessions ORDER BY COALESCE(last_message_at_ms, created_at_ms) DESC LIMIT ?')
      .all(limit) as Row[];
    return rows.map(toSession);
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) FROM sessions').pluck().get() as number;
  }

  /** Inserts unless the session already holds this sourceRef; returns the entry, or undefined for a repeat. */
  append(sessionKey: string, generation: number, entry: NewTranscriptEntry, nowMs: number): TranscriptEntry | undefined {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO transcript_entries (session_key, generation, role, content, meta, run_id, source_ref, created_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        sessionKey,
        generation,
        entry.role,
        entry.content,
        entry.meta ? JSON.stringify(entry.meta) : null,
        entry.runId ?? null,
        entry.sourceRef ?? null,
        nowMs,
      );
    if (result.changes === 0) return undefined;
    this.db
      .prepare('UPDATE sessions SET last_message_at_ms = ?, updated_at_ms = ? WHERE session_key = ?')
      .run(nowMs, nowMs, sessionKey);
    return { id: Number(result.lastInsertRowid), sessionKey, generation, ...entry, createdAtMs: nowMs };
  }

  /** The newest `limit` entries of the current generation, oldest first. */
  history(sessionKey: string, generation: number, limit: number): TranscriptEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM transcript_entries WHERE session_key = ? AND generation = ? ORDER BY id DESC LIMIT ?')
      .all(sessionKey, generation, limit) as Row[];
    return rows.reverse().map(toEntry);
  }

  /** Applies the fields the patch sets, in one statement. */
  patch(sessionKey: string, patch: SessionPatch, nowMs: number): void {
    const sets: string[] = [];
    const values: Array<string | null> = [];
    if (patch.label !== undefined) {
      sets.push('label = ?');
      values.push(patch.label);
    }
    if (patch.model !== undefined) {
      sets.push('model = ?');
      values.push(patch.model);
    }
    if (sets.length === 0) return;
    this.db
      .prepare(`UPDATE sessions SET ${sets.join(', ')}, updated_at_ms = ? WHERE session_key = ?`)
      .run(...values, nowMs, sessionKey);
  }

  /** Deletes the session and, by cascade, its whole transcript; true when it existed. */
  delete(sessionKey: string): boolean {
    return this.db.prepare('DELETE FROM sessions WHERE session_key = ?').run(sessionKey).changes > 0;
  }

  nextGeneration(sessionKey: string, nowMs: number): number {
    this.db
      .prepare('UPDATE sessions SET generation = generation + 1, updated_at_ms = ? WHERE session_key = ?')
      .run(nowMs, sessionKey);
    return this.db.prepare('SELECT generation FROM sessions WHERE session_key = ?').pluck().get(sessionKey) as number;
  }
}

function toSession(row: Row): SessionRecord {
  return {
    sessionKey: row.session_key,
    channel: row.channel,
    accountId: optional(row.account_id),
    chatId: optional(row.chat_id),
    peerId: optional(row.peer_id),
    displayName: optional(row.display_name),
    label: optional(row.label),
    model: optional(row.model),
    generation: row.generation,
    createdAtMs: row.created_at_ms,
    updatedAtMs: row.updated_at_ms,
    lastMessageAtMs: optional(row.last_message_at_ms),
  };
}

function toEntry(row: Row): TranscriptEntry {
  return {
    id: row.id,
    sessionKey: row.session_key,
    generation: row.generation,
    role: row.role,
    content: row.content,
    meta: row.meta ? JSON.parse(row.meta) : undefined,
    runId: optional(row.run_id),
    sourceRef: optional(row.source_ref),
    createdAtMs: row.created_at_ms,
  };
}
