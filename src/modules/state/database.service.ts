import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Clock } from '../../common/clock';
import { ensurePrivateDir } from '../../common/state';
import { GatewayRuntime } from '../config/gateway-runtime';
import { MIGRATIONS } from './migrations';

export const DATABASE_FILE = 'state.db';

/**
 * The gateway's embedded SQLite store. WAL lets readers run beside the single
 * writer; migrations run in order once, inside a transaction each.
 */
@Injectable()
export class DatabaseService implements OnModuleDestroy {
  private readonly logger = new Logger('State');
  readonly db: Database.Database;
  readonly file: string;
  /** Read once after migrating: `status` reports them on every call and they cannot change while running. */
  readonly schemaVersion: number;
  readonly createdAtMs: number;

  constructor(
    runtime: GatewayRuntime,
    private readonly clock: Clock,
  ) {
    ensurePrivateDir(runtime.config.stateDir);
    this.file = path.join(runtime.config.stateDir, DATABASE_FILE);
    this.db = cachePreparedStatements(new Database(this.file));
    // Later modules keep device tokens and transcripts here: owner-only, like every secret file.
    fs.chmodSync(this.file, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.schemaVersion = this.migrate();
    this.createdAtMs = this.recordCreation();
  }

  onModuleDestroy(): void {
    if (this.db.open) this.db.close();
  }

  private migrate(): number {
    const from = this.db.pragma('user_version', { simple: true }) as number;
    if (from > MIGRATIONS.length) {
      throw new Error(
        `the state database ${this.file} was written by a newer nestclaw (schema ${from}); upgrade nestclaw or use another state dir`,
      );
    }
    for (let version = from + 1; version <= MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version - 1]);
        this.db.pragma(`user_version = ${version}`);
      })();
      this.logger.log(`state database migrated to schema ${version}`);
    }
    return Math.max(from, MIGRATIONS.length);
  }

  /** When this state dir was first used, so `status` can tell a fresh state from an old one. */
  private recordCreation(): number {
    const now = this.clock.now();
    this.db
      .prepare('INSERT OR IGNORE INTO gateway_meta (key, value, updated_at_ms) VALUES (?, ?, ?)')
      .run('createdAtMs', String(now), now);
    const row = this.db.prepare('SELECT value FROM gateway_meta WHERE key = ?').get('createdAtMs') as { value: string };
    return Number(row.value);
  }
}

/** Distinct SQL texts are a fixed set in this code base; the cap only guards against a future dynamic one. */
const MAX_CACHED_STATEMENTS = 500;

/**
 * Repositories call db.prepare() per query; preparing costs more than
 * running the query (about 5% of a chat turn's CPU in the bench). Each SQL
 * text is prepared once and reused, with its pluck/raw/expand modes reset so
 * a reuse behaves like a fresh statement.
 */
function cachePreparedStatements(db: Database.Database): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const cached = cache.get(sql);
    if (cached) {
      if (cached.reader) cached.pluck(false).expand(false).raw(false);
      return cached;
    }
    const statement = prepare(sql);
    if (cache.size < MAX_CACHED_STATEMENTS) cache.set(sql, statement);
    return statement;
  }) as Database.Database['prepare'];
  return db;
}
