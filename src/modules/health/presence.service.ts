import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { Clock } from '../../common/clock';
import { GatewayEvent, PresenceChange, PresenceEntry } from '../../common/protocol';
import { Broadcaster } from '../gateway/broadcaster';
import type { Connection } from '../gateway/connection/connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { GatewayRuntime } from '../config/gateway-runtime';
import { ViewerPayload } from '../gateway/event-access';
import { StateVersionService } from './state-version.service';
import { limitedPresenceEntry } from './viewer-views';

export const PRESENCE_COALESCE_MS = 250;
/**
 * A flush writes to every operator's socket, so with many connections the
 * window widens by this much per connection: a storm of N joins then costs
 * a few flushes, not one write per client every 250 ms.
 */
export const PRESENCE_COALESCE_MS_PER_CONNECTION = 1;
/** Other clients' entries in a hello-ok snapshot, nodes first; the rest is one `system-presence` call away. */
export const PRESENCE_SNAPSHOT_OTHERS = 8;
/**
 * A window with more joins and leaves than this sends `truncated: true`
 * without entries: every operator receives every event, so a storm of N
 * connections would otherwise cost O(N²) bytes in events alone.
 */
export const PRESENCE_EVENT_MAX_CHANGES = 32;

/**
 * Who is connected. Changes are gathered for PRESENCE_COALESCE_MS (longer
 * with many connections) and sent as one event with the net change, so N
 * clients connecting cost O(N) events.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy {
  private readonly entries = new Map<string, PresenceEntry>();
  /** Keys of node entries, so the snapshot finds them without walking every operator. */
  private readonly nodeKeys = new Set<string>();
  private readonly joined = new Map<string, PresenceEntry>();
  private readonly left = new Map<string, { key: string; reason: string; ts: number }>();
  private flushTimer?: NodeJS.Timeout;
  private windowOpenedAtMs?: number;
  private subscription?: Subscription;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly broadcaster: Broadcaster,
    private readonly versions: StateVersionService,
    private readonly runtime: GatewayRuntime,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.entries.set('gateway', this.gatewayEntry());
    this.subscription = this.registry.changes$.subscribe((change) => {
      if (change.type === 'joined') this.onJoined(change.connection);
      else this.onLeft(change.connection, change.reason);
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    clearTimeout(this.flushTimer);
  }

  list(): PresenceEntry[] {
    return [...this.entries.values()];
  }

  /**
   * The bounded summary a hello-ok carries: the gateway, the caller itself,
   * then up to PRESENCE_SNAPSHOT_OTHERS others (nodes first). Its size does
   * not grow with the number of clients, so a connection storm costs O(N)
   * bytes instead of O(N²), and building it walks at most that many entries.
   */
  summary(ownKey: string): PresenceEntry[] {
    const picked: PresenceEntry[] = [this.entries.get('gateway')!];
    const own = this.entries.get(ownKey);
    if (own) picked.push(own);
    const limit = picked.length + PRESENCE_SNAPSHOT_OTHERS;
    const add = (keys: Iterable<string>) => {
      for (const key of keys) {
        if (picked.length >= limit) return;
        if (key === ownKey || key === 'gateway') continue;
        const entry = this.entries.get(key);
        if (entry && !picked.includes(entry)) picked.push(entry);
      }
    };
    add(this.nodeKeys);
    add(this.entries.keys());
    return picked;
  }

  private onJoined(connection: Connection): void {
    const entry = presenceEntryOf(connection);
    this.entries.set(entry.key, entry);
    if (entry.roles.includes('node')) this.nodeKeys.add(entry.key);
    this.joined.set(entry.key, entry);
    this.scheduleFlush();
  }

  private onLeft(connection: Connection, reason: string): void {
    const key = connection.connId;
    this.entries.delete(key);
    this.nodeKeys.delete(key);
    // Joined and left within one window: the net change is nothing.
    if (this.joined.delete(key)) return;
    this.left.set(key, { key, reason, ts: this.clock.now() });
    this.scheduleFlush();
  }

  private scheduleFlush(delayMs = PRESENCE_COALESCE_MS): void {
    if (this.flushTimer) return;
    this.windowOpenedAtMs ??= this.clock.now();
    this.flushTimer = setTimeout(() => this.endWindow(), delayMs);
    this.flushTimer.unref();
  }

  /** The window's length is decided when it ends, so a storm that began on a quiet gateway widens it too. */
  private endWindow(): void {
    this.flushTimer = undefined;
    const windowMs = Math.max(PRESENCE_COALESCE_MS, this.registry.size * PRESENCE_COALESCE_MS_PER_CONNECTION);
    const remainingMs = this.windowOpenedAtMs! + windowMs - this.clock.now();
    if (remainingMs > 0) {
      this.scheduleFlush(remainingMs);
      return;
    }
    this.windowOpenedAtMs = undefined;
    this.flush();
  }

  private flush(): void {
    if (this.joined.size === 0 && this.left.size === 0) return;
    const truncated = this.joined.size + this.left.size > PRESENCE_EVENT_MAX_CHANGES;
    const payload: PresenceChange = {
      ts: this.clock.now(),
      joined: truncated ? [] : [...this.joined.values()],
      left: truncated ? [] : [...this.left.values()],
      count: this.entries.size,
      ...(truncated ? { truncated } : {}),
    };
    this.joined.clear();
    this.left.clear();
    const limited = { ...payload, joined: payload.joined.map(limitedPresenceEntry) };
    this.broadcaster.broadcast(GatewayEvent.Presence, new ViewerPayload(payload, limited), {
      droppable: true,
      stateVersion: this.versions.bumpPresence(),
    });
  }

  private gatewayEntry(): PresenceEntry {
    return {
      key: 'gateway',
      host: this.runtime.hostName,
      version: this.runtime.version,
      platform: process.platform,
      mode: 'gateway',
      roles: ['gateway'],
      scopes: [],
      reason: 'self',
      ts: this.runtime.startedAtMs,
    };
  }
}

function presenceEntryOf(connection: Connection): PresenceEntry {
  const session = connection.session!;
  const entry: PresenceEntry = {
    key: connection.connId,
    host: session.client.displayName ?? session.client.id,
    ip: connection.origin.clientAddress,
    version: session.client.version,
    platform: session.client.platform,
    mode: session.client.mode,
    roles: [session.role],
    scopes: session.scopes,
    reason: 'connect',
    ts: session.connectedAtMs,
  };
  if (session.deviceId) entry.deviceId = session.deviceId;
  if (session.client.instanceId) entry.instanceId = session.client.instanceId;
  if (session.tailscaleLogin) entry.tailscaleLogin = session.tailscaleLogin;
  return entry;
}
