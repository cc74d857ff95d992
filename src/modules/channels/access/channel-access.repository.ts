import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DatabaseService } from '../../state/database.service';
import type { PairingCodeRecord } from '../../../common/protocol';
import type { Row } from '../../state/sql-row';

export type { PairingCodeRecord };

export interface AllowedSender {
  channel: string;
  senderId: string;
  senderName?: string;
  approvedAtMs: number;
}

/** channel_pairing_codes and channel_allowed_senders. */
@Injectable()
export class ChannelAccessRepository {
  private readonly db: Database.Database;

  constructor(database: DatabaseService) {
    this.db = database.db;
  }

  isAllowed(channel: string, senderId: string): boolean {
    return (
      this.db.prepare('SELECT 1 FROM channel_allowed_senders WHERE channel = ? AND sender_id = ?').get(channel, senderId) !==
      undefined
    );
  }

  allowedSenders(channel?: string): AllowedSender[] {
    const rows = (
      channel === undefined
        ? this.db.prepare('SELECT * FROM channel_allowed_senders ORDER BY approved_at_ms').all()
        : this.db.prepare('SELECT * FROM channel_allowed_senders WHERE channel = ? ORDER BY approved_at_ms').all(channel)
    ) as Row[];
    return rows.map((row) => ({
      channel: row.channel,
      senderId: row.sender_id,
      senderName: row.sender_name ?? undefined,
      approvedAtMs: row.approved_at_ms,
    }));
  }

  /** The sender approved earliest on this channel (by a pairing code or the CLI). */
  firstAllowedSender(channel: string): string | undefined {
    const row = this.db
      .prepare('SELECT sender_id FROM channel_allowed_senders WHERE channel = ? ORDER BY approved_at_ms, rowid LIMIT 1')
      .get(channel) as Row | undefined;
    return row?.sender_id;
  }

  codeForSender(channel: string, senderId: string): PairingCodeRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM channel_pairing_codes WHERE channel = ? AND sender_id = ?')
      .get(channel, senderId) as Row | undefined;
    return row ? toCode(row) : undefined;
  }

  findCode(channel: string, code: string): PairingCodeRecord | undefined {
    const row = this.db.prepare('SELECT * FROM channel_pairing_codes WHERE channel = ? AND code = ?').get(channel, code) as
      Row | undefined;
    return row ? toCode(row) : undefined;
  }

  /** Replaces the sender's previous (expired) code, if any. Throws on a code collision (primary key). */
  saveCode(record: PairingCodeRecord): void {
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM channel_pairing_codes WHERE channel = ? AND sender_id = ?')
        .run(record.channel, record.senderId);
      this.db
        .prepare(
          `INSERT INTO channel_pairing_codes (channel, code, sender_id, sender_name, chat_id, created_at_ms, expires_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          record.channel,
          record.code,
          record.senderId,
          record.senderName ?? null,
          record.chatId ?? null,
          record.createdAtMs,
          record.expiresAtMs,
        );
    })();
  }

  pendingCodes(nowMs: number, channel?: string): PairingCodeRecord[] {
    const rows = (
      channel === undefined
        ? this.db.prepare('SELECT * FROM channel_pairing_codes WHERE expires_at_ms > ? ORDER BY created_at_ms').all(nowMs)
        : this.db
            .prepare('SELECT * FROM channel_pairing_codes WHERE expires_at_ms > ? AND channel = ? ORDER BY created_at_ms')
            .all(nowMs, channel)
    ) as Row[];
    return rows.map(toCode);
  }

  countPending(channel: string, nowMs: number): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM channel_pairing_codes WHERE channel = ? AND expires_at_ms > ?')
      .pluck()
      .get(channel, nowMs) as number;
  }

  /** Drops the channel's `count` oldest codes (ties broken by code, so the choice is stable). */
  deleteOldest(channel: string, count: number): void {
    this.db
      .prepare(
        `DELETE FROM channel_pairing_codes WHERE channel = ? AND code IN
           (SELECT code FROM channel_pairing_codes WHERE channel = ? ORDER BY created_at_ms, code LIMIT ?)`,
      )
      .run(channel, channel, count);
  }

  deleteExpired(nowMs: number): void {
    this.db.prepare('DELETE FROM channel_pairing_codes WHERE expires_at_ms <= ?').run(nowMs);
  }

  /** Turns the code into an allowed sender, in one transaction. */
  approve(record: PairingCodeRecord, nowMs: number): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO channel_allowed_senders (channel, sender_id, sender_name, approved_at_ms) VALUES (?, ?, ?, ?)
           ON CONFLICT (channel, sender_id) DO UPDATE SET sender_name = excluded.sender_name, approved_at_ms = excluded.approved_at_ms`,
        )
        .run(record.channel, record.senderId, record.senderName ?? null, nowMs);
      this.db.prepare('DELETE FROM channel_pairing_codes WHERE channel = ? AND code = ?').run(record.channel, record.code);
    })();
  }
}

function toCode(row: Row): PairingCodeRecord {
  return {
    channel: row.channel,
    code: row.code,
    senderId: row.sender_id,
    senderName: row.sender_name ?? undefined,
    chatId: row.chat_id ?? undefined,
    createdAtMs: row.created_at_ms,
    expiresAtMs: row.expires_at_ms,
  };
}
