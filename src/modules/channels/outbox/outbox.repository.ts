import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DatabaseService } from '../../state/database.service';
import { optional, type Row } from '../../state/sql-row';

export interface OutboxKey {
  channel: string;
  accountId: string;
  chatId: string;
}

/** One platform message: text, or a picture with an optional caption. */
export type OutboxPart = string | { text: string; media: OutboxMedia };

export interface OutboxMedia {
  path: string;
  mimeType: string;
}

export interface OutboxRow extends OutboxKey {
  id: number;
  text: string;
  media?: OutboxMedia;
  replyTo?: string;
  sourceRef?: string;
  attempts: number;
  nextAttemptAtMs: number;
  lastError?: string;
  createdAtMs: number;
  sentAtMs?: number;
  /** Set just before a platform call; still set without sentAtMs after a crash: the part may have gone out. */
  sendingAtMs?: number;
  messageId?: string;
  failedAtMs?: number;
}

const PENDING = 'sent_at_ms IS NULL AND failed_at_ms IS NULL';

/** channel_outbox: replies and sends, one row per platform message, kept until delivered or refused for good. */
@Injectable()
export class OutboxRepository {
  private readonly db: Database.Database;

  constructor(database: DatabaseService) {
    this.db = database.db;
  }

  /**
   * Queues the parts of one message atomically: the first part carries
   * sourceRef, the others `sourceRef#2`, `#3`… Returns false, adding nothing,
   * when that sourceRef was queued before.
   */
  enqueue(
    key: OutboxKey,
    parts: readonly OutboxPart[],
    options: { replyTo?: string; sourceRef?: string },
    nowMs: number,
  ): boolean {
    return this.db.transaction(() => {
      if (options.sourceRef !== undefined && this.findFirst(key.channel, key.accountId, options.sourceRef)) return false;
      const insert = this.db.prepare(
        `INSERT INTO channel_outbox (channel, account_id, chat_id, text, reply_to, source_ref, next_attempt_at_ms, created_at_ms, media_path, media_type)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      parts.forEach((part, index) => {
        const text = typeof part === 'string' ? part : part.text;
        const media = typeof part === 'string' ? undefined : part.media;
        const sourceRef =
          options.sourceRef === undefined ? null : index === 0 ? options.sourceRef : `${options.sourceRef}#${index + 1}`;
        insert.run(
          key.channel,
          key.accountId,
          key.chatId,
          text,
          index === 0 ? (options.replyTo ?? null) : null,
          sourceRef,
          nowMs,
          nowMs,
          media?.path ?? null,
          media?.mimeType ?? null,
        );
      });
      return true;
    })();
  }

  findFirst(channel: string, accountId: string, sourceRef: string): OutboxRow | undefined {
    const row = this.db
      .prepare('SELECT * FROM channel_outbox WHERE channel = ? AND account_id = ? AND source_ref = ?')
      .get(channel, accountId, sourceRef) as Row | undefined;
    return row ? toOutboxRow(row) : undefined;
  }

  /** Every part queued under sourceRef, in order. */
  parts(channel: string, accountId: string, sourceRef: string): OutboxRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM channel_outbox WHERE channel = ? AND account_id = ?
           AND (source_ref = ? OR substr(source_ref, 1, ?) = ?) ORDER BY id`,
      )
      .all(channel, accountId, sourceRef, sourceRef.length + 1, `${sourceRef}#`) as Row[];
    return rows.map(toOutboxRow);
  }

  pendingForChat(key: OutboxKey): OutboxRow[] {
    const rows = this.db
      .prepare(`SELECT * FROM channel_outbox WHERE channel = ? AND account_id = ? AND chat_id = ? AND ${PENDING} ORDER BY id`)
      .all(key.channel, key.accountId, key.chatId) as Row[];
    return rows.map(toOutboxRow);
  }

  /** Chats with a pending part; with dueBy, only those whose next part is due by then. */
  chatsWithPending(dueByMs?: number): OutboxKey[] {
    const rows = this.db
      .prepare(
        `SELECT channel, account_id, chat_id, MIN(next_attempt_at_ms) AS due FROM channel_outbox WHERE ${PENDING}
         GROUP BY channel, account_id, chat_id`,
      )
      .all() as Row[];
    return rows
      .filter((row) => dueByMs === undefined || row.due <= dueByMs)
      .map((row) => ({ channel: row.channel, accountId: row.account_id, chatId: row.chat_id }));
  }

  /** Its own committed write, before the platform call: after a crash it tells "may have gone out" from "never tried". */
  markSending(id: number, nowMs: number): void {
    this.db.prepare('UPDATE channel_outbox SET sending_at_ms = ? WHERE id = ?').run(nowMs, id);
  }

  markSent(id: number, messageId: string, nowMs: number): void {
    this.db
      .prepare(
        'UPDATE channel_outbox SET sent_at_ms = ?, message_id = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?',
      )
      .run(nowMs, messageId, id);
  }

  markRetry(id: number, nextAttemptAtMs: number, error: string): void {
    this.db
      .prepare('UPDATE channel_outbox SET attempts = attempts + 1, next_attempt_at_ms = ?, last_error = ? WHERE id = ?')
      .run(nextAttemptAtMs, error, id);
  }

  markFailed(id: number, error: string, nowMs: number): void {
    this.db
      .prepare('UPDATE channel_outbox SET attempts = attempts + 1, failed_at_ms = ?, last_error = ? WHERE id = ?')
      .run(nowMs, error, id);
  }

  /** Forgets settled rows older than the cutoff; redeliveries are long over by then. */
  prune(olderThanMs: number): number {
    return this.db.prepare('DELETE FROM channel_outbox WHERE created_at_ms < ? AND NOT (' + PENDING + ')').run(olderThanMs)
      .changes;
  }
}

function toOutboxRow(row: Row): OutboxRow {
  return {
    id: row.id,
    channel: row.channel,
    accountId: row.account_id,
    chatId: row.chat_id,
    text: row.text,
    ...(row.media_path ? { media: { path: row.media_path, mimeType: row.media_type ?? 'image/png' } } : {}),
    replyTo: optional(row.reply_to),
    sourceRef: optional(row.source_ref),
    attempts: row.attempts,
    nextAttemptAtMs: row.next_attempt_at_ms,
    lastError: optional(row.last_error),
    createdAtMs: row.created_at_ms,
    sentAtMs: optional(row.sent_at_ms),
    sendingAtMs: optional(row.sending_at_ms),
    messageId: optional(row.message_id),
    failedAtMs: optional(row.failed_at_ms),
  };
}
