import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { Connection } from './connection';

export type ConnectionChange =
  { type: 'joined'; connection: Connection } | { type: 'left'; connection: Connection; reason: string };

/** Connections that finished the handshake; other modules follow `changes$`. */
@Injectable()
export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>();
  private readonly changes = new Subject<ConnectionChange>();
  readonly changes$ = this.changes.asObservable();

  add(connection: Connection): void {
    this.connections.set(connection.connId, connection);
    this.changes.next({ type: 'joined', connection });
  }

  remove(connection: Connection, reason: string): void {
    if (!this.connections.delete(connection.connId)) return;
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
    let count = 0;
    for (const connection of this.connections.values()) if (connection.session?.role === role) count++;
    return count;
  }
}
