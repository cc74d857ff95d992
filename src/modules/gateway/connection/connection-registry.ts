import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { Connection } from './connection';

export type ConnectionChange =
  { type: 'joined'; connection: Connection } | { type: 'left'; connection: Connection; reason: string };

/** Connections that finished the handshake; other modules follow `changes$`. */
@Injectable()
export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>();
  /** Kept as connections come and go: every hello-ok's health snapshot asks, so counting would be O(N) per handshake. */
  private readonly roleCounts = new Map<string, number>();
  private readonly changes = new Subject<ConnectionChange>();
  readonly changes$ = this.changes.asObservable();

  add(connection: Connection): void {
    if (this.connections.has(connection.connId)) return;
    this.connections.set(connection.connId, connection);
    this.countRole(connection, 1);
    this.changes.next({ type: 'joined', connection });
  }

  remove(connection: Connection, reason: string): void {
    if (!this.connections.delete(connection.connId)) return;
    this.countRole(connection, -1);
    this.changes.next({ type: 'left', connection, reason });
  }

  get(connId: string): Connection | undefined {
    return this.connections.get(connId);
  }

  all(): IterableIterator<Connection> {
    return this.connections.values();
  }

  get size(): number {
    return this.connections.size;
  }

  countByRole(role: string): number {
    return this.roleCounts.get(role) ?? 0;
  }

  /** A connection's role is fixed by its handshake, before it joins. */
  private countRole(connection: Connection, delta: 1 | -1): void {
    const role = connection.session?.role;
    if (role !== undefined) this.roleCounts.set(role, (this.roleCounts.get(role) ?? 0) + delta);
  }
}
