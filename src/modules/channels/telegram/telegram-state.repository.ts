import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DatabaseService } from '../../state/database.service';
import type { Row } from '../../state/sql-row';

export const TELEGRAM_CHANNEL_ID = 'telegram';

/**
 * Telegram's durable receive state: the update offset (channel_cursors) and
 * updates taken from Telegram but not yet handled (channel_inbox).
 */
@Injectable()
export class TelegramStateRepository {
  private readonly db: Database.Database;

  constructor(database: DatabaseService) {
    this.db = database.db;
  }

  cursor(accountId: string): number {
    const value = this.db
      .prepare('SELECT cursor FROM channel_cursors WHERE channel = ? AND account_id = ?')
      .pluck()
      .get(TELEGRAM_CHANNEL_ID, accountId) as string | undefined;
    return value === undefined ? 0 : Number(value);
  }

  saveCursor(accountId: string, offset: number, nowMs: number): void {
    this.db
      .prepare(
        `INSERT INTO channel_cursors (channel, account_id, cursor, updated_at_ms) VALUES (?, ?, ?, ?)
         ON CONFLICT (channel, account_id) DO UPDATE SET cursor = excluded.cursor, updated_at_ms = excluded.updated_at_ms`,
      )
      .run(TELEGRAM_CHANNEL_ID, accountId, String(offset), nowMs);
  }

  /** Stores the update unless it is there already; returns whether it was new. */
  storeUpdate(accountId: string, updateId: number, payload: unknown, nowMs: number): boolean {
    return (
      this.db
        .prepare(
          'INSERT OR IGNORE INTO channel_inbox (channel, account_id, update_id, payload, received_at_ms) VALUES (?, ?, ?, ?, ?)',
        )
        .run(TELEGRAM_CHANNEL_ID, accountId, String(updateId), JSON.stringify(payload), nowMs).changes > 0
    );
  }

  isHandled(accountId: string, updateId: number): boolean {
    return (
      this.db
        .prepare(
          'SELECT 1 FROM channel_inbox WHERE channel = ? AND account_id = ? AND update_id = ? AND handled_at_ms IS NOT NULL',
        )
        .get(TELEGRAM_CHANNEL_ID, accountId, String(updateId)) !== undefined
    );
  }

  markHandled(accountId: string, updateId: number, nowMs: number): void {
    this.db
      .prepare('UPDATE channel_inbox SET handled_at_ms = ? WHERE channel = ? AND account_id = ? AND update_id = ?')
      .run(nowMs, TELEGRAM_CHANNEL_ID, accountId, String(updateId));
  }

  /** Updates stored but never handled (the gateway stopped or crashed first), oldest first. */
  unhandled(accountId: string): Array<{ updateId: number; payload: unknown }> {
    const rows = this.db
      .prepare('SELECT update_id, payload FROM channel_inbox WHERE channel = ? AND account_id = ? AND handled_at_ms IS NULL')
      .all(TELEGRAM_CHANNEL_ID, accountId) as Row[];
    return rows
      .map((row) => ({ updateId: Number(row.update_id), payload: JSON.parse(row.payload) }))
      .sort((a, b) => a.updateId - b.updateId);
  }

  /** The highest update id ever stored, so polling never asks Telegram for one again. */
  maxStoredUpdateId(accountId: string): number | undefined {
    const value = this.db
      .prepare('SELECT MAX(CAST(update_id AS INTEGER)) FROM channel_inbox WHERE channel = ? AND account_id = ?')
      .pluck()
      .get(TELEGRAM_CHANNEL_ID, accountId) as number | null;
    return value ?? undefined;
  }

  /** Handled updates are kept a while as the record that they were answered; Telegram redelivers for at most 24 h. */
  pruneHandled(accountId: string, olderThanMs: number): void {
    this.db
      .prepare(
        'DELETE FROM channel_inbox WHERE channel = ? AND account_id = ? AND handled_at_ms IS NOT NULL AND received_at_ms < ?',
      )
      .run(TELEGRAM_CHANNEL_ID, accountId, olderThanMs);
  }
}
