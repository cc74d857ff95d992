import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { merge, Subscription } from 'rxjs';
import { Clock } from '../../common/clock';
import { GatewayEvent } from '../../common/protocol';
import { ChannelRegistry } from '../channels/channel-registry';
import { Broadcaster } from '../gateway/broadcaster';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { GatewayRuntime } from '../config/gateway-runtime';
import { SessionsService } from '../sessions/sessions.service';
import { ViewerPayload } from '../gateway/event-access';
import { StateVersionService } from './state-version.service';
import { limitedHealth } from './viewer-views';
import type { HealthSnapshot } from '../../common/protocol';

export type { HealthSnapshot };

export const HEALTH_EVENT_MIN_INTERVAL_MS = 1_000;
const RECENT_SESSIONS = 5;

/**
 * The health snapshot. Asking for it answers only the caller; a `health`
 * event goes out only when the snapshot really changed, at most once a second.
 */
@Injectable()
export class HealthService implements OnModuleInit, OnModuleDestroy {
  private lastBroadcastSignature?: string;
  /** Monotonic (performance.now), not the clock: it paces a real timer, and a moved test clock must not stall events. */
  private lastBroadcastAt = -HEALTH_EVENT_MIN_INTERVAL_MS;
  private pendingTimer?: NodeJS.Timeout;
  private subscription?: Subscription;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly broadcaster: Broadcaster,
    private readonly versions: StateVersionService,
    private readonly runtime: GatewayRuntime,
    private readonly sessions: SessionsService,
    private readonly channels: ChannelRegistry,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.lastBroadcastSignature = signatureOf(this.snapshot());
    this.subscription = merge(this.registry.changes$, this.channels.changes$).subscribe(() => this.scheduleChangeCheck());
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
    clearTimeout(this.pendingTimer);
  }

  snapshot(): HealthSnapshot {
    const started = performance.now();
    const now = this.clock.now();
    return {
      ok: true,
      ts: now,
      channels: this.channels.snapshot(),
      sessions: { count: this.sessions.count, recent: this.sessions.recent(RECENT_SESSIONS) },
      nodes: { connected: this.registry.countByRole('node') },
      uptimeMs: now - this.runtime.startedAtMs,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
  }

  private scheduleChangeCheck(): void {
    if (this.pendingTimer) return;
    const wait = Math.max(0, this.lastBroadcastAt + HEALTH_EVENT_MIN_INTERVAL_MS - performance.now());
    this.pendingTimer = setTimeout(() => this.broadcastIfChanged(), wait);
    this.pendingTimer.unref();
  }

  private broadcastIfChanged(): void {
    this.pendingTimer = undefined;
    const snapshot = this.snapshot();
    const signature = signatureOf(snapshot);
    if (signature === this.lastBroadcastSignature) return;
    this.lastBroadcastSignature = signature;
    this.lastBroadcastAt = performance.now();
    this.broadcaster.broadcast(GatewayEvent.Health, new ViewerPayload(snapshot, limitedHealth(snapshot)), {
      droppable: true,
      stateVersion: this.versions.bumpHealth(),
    });
  }
}

/** The parts that mean something changed; timestamps and durations always differ. */
function signatureOf(snapshot: HealthSnapshot): string {
  return JSON.stringify([snapshot.ok, snapshot.channels, snapshot.sessions.count, snapshot.nodes]);
}
