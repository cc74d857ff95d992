import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Observable, Subject, Subscription } from 'rxjs';
import { peerText } from '../../common/logs';
import { CloseCode, NodeCloseReason } from '../../common/protocol';
import type { Connection, ConnectionSession } from '../gateway/connection/connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { NodeCommandPolicy } from './node-command-policy';
import { nodeIdOf } from './nodes.types';

export { nodeIdOf };

export const REPLACED_CLOSE_REASON = NodeCloseReason.Replaced;

/** A node with a live connection. */
export interface LiveNode {
  nodeId: string;
  connection: Connection;
  session: ConnectionSession;
  /** Declared ∩ allowlist, worked out once when it connected. */
  commands: string[];
  /** What it declared, as a set: every invoke checks the command against it. */
  declared: ReadonlySet<string>;
}

/** A node's connection stopped being the one that serves it. */
export interface NodeDeparture {
  nodeId: string;
  connection: Connection;
  reason: 'disconnected' | 'replaced';
}

/** The instances a connection displaced, refused while it still holds the node id. */
interface DisplacedInstances {
  holder: Connection;
  instanceIds: Set<string>;
}

/** Bounds the displaced instances remembered per node id: clones are few, a spray of fake ids is not. */
const MAX_DISPLACED_PER_NODE = 16;

/**
 * The live nodes, followed from the connection registry. One connection per
 * node id: a newer one replaces the older, which is closed, because a node
 * that reconnects before its old socket timed out is the same node and must
 * not be listed (or invoked) twice.
 *
 * Two hosts with one identity (a cloned state dir) would take the id from
 * each other for ever. Node hosts send a per-process `client.instanceId`, so
 * an older instance that comes back while the instance that replaced it is
 * still connected is refused instead, and told why.
 */
@Injectable()
export class NodeRegistry implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Nodes');
  private readonly nodes = new Map<string, LiveNode>();
  private readonly displaced = new Map<string, DisplacedInstances>();
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
    const instanceId = session.client.instanceId;
    const guard = this.displaced.get(nodeId);
    if (previous && instanceId && guard?.holder === previous.connection && guard.instanceIds.has(instanceId)) {
      this.logger.warn(
        `node ${nodeId}: instance ${instanceId} came back while the connection that replaced it is up; refusing it (two hosts share this identity?)`,
      );
      connection.close(CloseCode.Policy, NodeCloseReason.IdentityInUse);
      return;
    }
    this.nodes.set(nodeId, {
      nodeId,
      connection,
      session,
      commands: this.policy.allowedCommands(session.client.platform, session.commands),
      declared: new Set(session.commands),
    });
    if (!previous) {
      this.logger.log(
        `node ${peerText(session.client.displayName)} (${peerText(nodeId)}, ${peerText(session.client.platform)}) connected from ${connection.origin.clientAddress}; commands: ${this.nodes.get(nodeId)!.commands.join(', ') || 'none'}`,
      );
      return;
    }
    this.rememberDisplaced(nodeId, previous, connection);
    this.logger.log(`node ${nodeId} reconnected; closing its older connection ${previous.connection.connId}`);
    // Announced before the close so calls on the old socket fail now, not when its close frame comes back.
    this.departures.next({ nodeId, connection: previous.connection, reason: 'replaced' });
    previous.connection.close(CloseCode.Policy, REPLACED_CLOSE_REASON);
  }

  /** A different instance taking over is remembered; the same instance reconnecting is just a reconnect. */
  private rememberDisplaced(nodeId: string, previous: LiveNode, successor: Connection): void {
    const older = previous.session.client.instanceId;
    const guard = this.displaced.get(nodeId);
    const carried = guard?.holder === previous.connection ? [...guard.instanceIds] : [];
    const ids = new Set([...carried, ...(older ? [older] : [])]);
    ids.delete(successor.session?.client.instanceId ?? '');
    if (ids.size === 0) {
      this.displaced.delete(nodeId);
      return;
    }
    this.displaced.set(nodeId, { holder: successor, instanceIds: new Set([...ids].slice(-MAX_DISPLACED_PER_NODE)) });
  }

  private onLeft(connection: Connection): void {
    const session = connection.session;
    if (session?.role !== 'node') return;
    const nodeId = nodeIdOf(session);
    // A replaced connection leaving is old news: its successor stays.
    if (this.nodes.get(nodeId)?.connection !== connection) return;
    this.nodes.delete(nodeId);
    if (this.displaced.get(nodeId)?.holder === connection) this.displaced.delete(nodeId);
    this.departures.next({ nodeId, connection, reason: 'disconnected' });
    this.logger.log(`node ${peerText(session.client.displayName)} (${peerText(nodeId)}) disconnected`);
  }
}
