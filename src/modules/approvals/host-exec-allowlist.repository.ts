import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { DatabaseService } from '../state/database.service';

export interface HostExecAllowlistEntry {
  command: string;
  approvedBy?: string;
  approvedAtMs: number;
}

/** host_exec_allowlist: argv[0] values an operator allowed for good on the gateway host. */
@Injectable()
export class HostExecAllowlistRepository {
  private readonly db: Database.Database;

  constructor(database: DatabaseService) {
    this.db = database.db;
  }

  has(command: string): boolean {
    return this.db.prepare('SELECT 1 FROM host_exec_allowlist WHERE command = ?').get(command) !== undefined;
  }

  add(command: string, approvedBy: string | null, nowMs: number): void {
    this.db
      .prepare('INSERT OR IGNORE INTO host_exec_allowlist (command, approved_by, approved_at_ms) VALUES (?, ?, ?)')
      .run(command, approvedBy, nowMs);
  }

  all(): HostExecAllowlistEntry[] {
    const rows = this.db.prepare('SELECT * FROM host_exec_allowlist ORDER BY approved_at_ms, command').all() as Array<
      Record<string, any>
    >;
    return rows.map((row) => ({
      command: row.command,
      ...(row.approved_by !== null ? { approvedBy: row.approved_by } : {}),
      approvedAtMs: row.approved_at_ms,
    }));
  }
}
