import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { Clock } from '../../common/clock';
import { DatabaseService } from '../state/database.service';

/** The agent's scopes in request_idempotency; other modules keep their own scopes in the same table. */
export type AgentIdempotencyScope = 'agent' | 'chat.send';
const SCOPES: readonly AgentIdempotencyScope[] = ['agent', 'chat.send'];

/** How long a final outcome answers a repeated request. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60_000;
const PRUNE_INTERVAL_MS = 60 * 60_000;

/** Final outcomes of `agent` and `chat.send` by idempotency key, on disk so a retry after a restart still gets them. */
@Injectable()
export class AgentIdempotencyRepository {
  private readonly db: Database.Database;
  private lastPruneMs = Number.NEGATIVE_INFINITY;

  constructor(
    database: DatabaseService,
    private readonly clock: Clock,
  ) {
    this.db = database.db;
  }

  find<T>(scope: AgentIdempotencyScope, key: string): T | undefined {
    const row = this.db
      .prepare('SELECT outcome FROM request_idempotency WHERE scope = ? AND key = ? AND created_at_ms >= ?')
      .get(scope, key, this.clock.now() - IDEMPOTENCY_RETENTION_MS) as { outcome: string } | undefined;
    return row ? (JSON.parse(row.outcome) as T) : undefined;
  }

  /** Keeps the first outcome stored for a key. */
  save(scope: AgentIdempotencyScope, key: string, outcome: unknown): void {
    const now = this.clock.now();
    this.pruneNowAndThen(now);
    this.db
      .prepare('INSERT OR IGNORE INTO request_idempotency (scope, key, outcome, created_at_ms) VALUES (?, ?, ?, ?)')
      .run(scope, key, JSON.stringify(outcome), now);
  }

  private pruneNowAndThen(now: number): void {
    if (now - this.lastPruneMs < PRUNE_INTERVAL_MS) return;
    this.lastPruneMs = now;
    const placeholders = SCOPES.map(() => '?').join(', ');
    this.db
      .prepare(`DELETE FROM request_idempotency WHERE scope IN (${placeholders}) AND created_at_ms < ?`)
      .run(...SCOPES, now - IDEMPOTENCY_RETENTION_MS);
  }
}
