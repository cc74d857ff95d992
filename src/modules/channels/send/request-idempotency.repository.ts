import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DatabaseService } from '../../state/database.service';

/** request_idempotency: the first outcome of a request, by (scope, key), so a retry gets it back. */
@Injectable()
export class RequestIdempotencyRepository {
  private readonly db: Database.Database;

  constructor(database: DatabaseService) {
    this.db = database.db;
  }

  get<T>(scope: string, key: string): T | undefined {
    const text = this.db
      .prepare('SELECT outcome FROM request_idempotency WHERE scope = ? AND key = ?')
      .pluck()
      .get(scope, key) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** Keeps the first outcome if two raced. */
  put(scope: string, key: string, outcome: unknown, nowMs: number): void {
    this.db
      .prepare('INSERT OR IGNORE INTO request_idempotency (scope, key, outcome, created_at_ms) VALUES (?, ?, ?, ?)')
      .run(scope, key, JSON.stringify(outcome), nowMs);
  }

  prune(scope: string, olderThanMs: number): void {
    this.db.prepare('DELETE FROM request_idempotency WHERE scope = ? AND created_at_ms < ?').run(scope, olderThanMs);
  }
}
