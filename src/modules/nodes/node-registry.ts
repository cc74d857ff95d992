import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Observable, Subject, Subscription } from 'rxjs';
import { CloseCode } from '../../common/protocol';
import type { Connection, ConnectionSession } from '../gateway/connection/connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { NodeCommandPolicy } from './node-command-policy';

export const REPLACED_CLOSE_REASON = 'replaced by a new connection';

/** A node with a live connection. */
export interface LiveNode {
  nodeId: string;
  connection: Connection;
  session: ConnectionSession;
  /** Declared ∩ allowlist, worked out once when it connected. */
  commands: string[];
}

/** A node's connection stopped being the one that serves it. */
export interface NodeDeparture {
  nodeId: string;
  connection: Connection;
  reason: 'disconnected' | 'replaced';
}

/** Node id = device id when the node proved one, else the client id it reported (PROTOCOL.md, "Nodes"). */
export function nodeIdOf(session: Pick<ConnectionSession, 'deviceId' | 'client'>): string {
  return session.deviceId ?? session.client.id;
}

/**
 * The live nodes, followed from the connection registry. One connection per
 * node id: a newer one replaces the older, which is closed, because a node
 * that reconnects before its old socket timed out is the same node and must
 * not be listed (or invoked) twice.
 */
@Injectable()
export class NodeRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Nodes');
  private readonly nodes = new Map<string, LiveNode>();
  private readonly departures = new Subject<NodeDeparture>();
  readonly departures$: Observable<NodeDeparture> = this.departures.asObservable();
  private subscription?: Subscription;

  constructor(
    private readonly connections: ConnectionRegistry,
    private readonly policy: NodeCommandPolicy,
  ) {}

  onModuleInit(): void {
    for (const connection of this.connections.all()) this.onJoined(connection);
    this.subscription = this.connections.changes$.subscribe((change) => {
      if (change.type === 'joined') this.onJoined(change.connection);
      else this.onLeft(change.connection);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    this.departures.complete();
  }

  get(nodeId: string): LiveNode | undefined {
    return this.nodes.get(nodeId);
  }

  all(): LiveNode[] {
    return [...this.nodes.values()];
  }

  get size(): number {
    return this.nodes.size;
  }

  private onJoined(connection: Connection): void {
    const session = connection.session;
    if (session?.role !== 'node') return;
    const nodeId = nodeIdOf(session);
    const previous = this.nodes.get(nodeId);
    if (previous?.connection === connection) return;
    this.nodes.set(nodeId, {
      nodeId,
      connection,
      session,
      commands: this.policy.allowedCommands(session.client.platform, session.commands),
    });
    if (!previous) return;
    this.logger.log(`node ${nodeId} reconnected; closing its older connection ${previous.connection.connId}`);
    // Announced before the close so calls on the old socket fail now, not when its close frame comes back.
    this.departures.next({ nodeId, connection: previous.connection, reason: 'replaced' });
    previous.connection.close(CloseCode.Policy, REPLACED_CLOSE_REASON);
  }

  private onLeft(connection: Connection): void {
    const session = connection.session;
    if (session?.role !== 'node') return;
    const nodeId = nodeIdOf(session);
    // A replaced connection leaving is old news: its successor stays.
    if (this.nodes.get(nodeId)?.connection !== connection) return;
    this.nodes.delete(nodeId);
    this.departures.next({ nodeId, connection, reason: 'disconnected' });
  }
}
