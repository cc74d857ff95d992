import { Injectable } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { argsMatch, argsPatternProblem } from '../../common/exec/args-pattern';
import { DatabaseService } from '../state/database.service';
import type { Row } from '../state/sql-row';

export interface HostExecApproval {
  command: string;
  /** Argument patterns (common/exec/args-pattern) argv[1..] must fit. */
  args: string[];
  approvedBy?: string;
  approvedAtMs: number;
}

/** host_exec_approvals: what operators answered "allow always" for on the gateway host, program and arguments. */
@Injectable()
export class HostExecApprovalsRepository {
  private readonly db: Database.Database;

  constructor(database: DatabaseService) {
    this.db = database.db;
  }

  /** Whether some approval for argv[0] has argument patterns these arguments fit. */
  allows(command: string, args: readonly string[]): boolean {
    const rows = this.db.prepare('SELECT args_json FROM host_exec_approvals WHERE command = ?').all(command) as Array<{
      args_json: string;
    }>;
    return rows.some((row) => {
      const pattern = parsePattern(row.args_json);
      return pattern !== undefined && argsMatch(pattern, args);
    });
  }

  add(command: string, args: readonly string[], approvedBy: string | null, nowMs: number): void {
    this.db
      .prepare('INSERT OR IGNORE INTO host_exec_approvals (command, args_json, approved_by, approved_at_ms) VALUES (?, ?, ?, ?)')
      .run(command, JSON.stringify(args), approvedBy, nowMs);
  }

  all(): HostExecApproval[] {
    const rows = this.db.prepare('SELECT * FROM host_exec_approvals ORDER BY approved_at_ms, command').all() as Row[];
    return rows.flatMap((row) => {
      const args = parsePattern(row.args_json);
      if (args === undefined) return [];
      return [
        {
          command: row.command,
          args,
          ...(row.approved_by !== null ? { approvedBy: row.approved_by } : {}),
          approvedAtMs: row.approved_at_ms,
        },
      ];
    });
  }
}

/** A row that does not hold a usable pattern allows nothing: a damaged row must never widen what runs. */
function parsePattern(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return argsPatternProblem(value) === undefined ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
}
