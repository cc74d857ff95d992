import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { GatewayEvent, type HelloOk } from '../../common/protocol';
import { mayReceive, seesPrivateDetails } from './event-access';
import { GatewayRuntime } from '../config/gateway-runtime';
import type { CallerAccess } from './rpc/access';

/** The parts of hello-ok's snapshot the health module owns; each is asked for only when the viewer may see it. */
export interface HelloSnapshotParts {
  /** A bounded summary for the viewer whose own connection is connId, redacted for non-admins. */
  presence(viewer: CallerAccess, connId: string): HelloOk['snapshot']['presence'];
  health(viewer: CallerAccess): unknown;
  stateVersion(): HelloOk['snapshot']['stateVersion'];
}

/**
 * hello-ok carries presence and health, which the health module owns; it
 * plugs its source in here so the gateway module does not depend on it.
 * The snapshot follows the event table: a client that would not receive
 * `presence`/`health` events (a node, an operator without operator.read)
 * gets them empty, and only operator.admin learns the gateway's paths.
 */
@Injectable()
export class HelloSnapshotSource {
  private source: HelloSnapshotParts = {
    presence: () => [],
    health: () => ({}),
    stateVersion: () => ({ presence: 0, health: 0 }),
  };

  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly clock: Clock,
  ) {}

  use(source: HelloSnapshotParts): void {
    this.source = source;
  }

  build(viewer: CallerAccess, connId: string): HelloOk['snapshot'] {
    const snapshot: HelloOk['snapshot'] = {
      presence: mayReceive(GatewayEvent.Presence, viewer) ? this.source.presence(viewer, connId) : [],
      health: mayReceive(GatewayEvent.Health, viewer) ? this.source.health(viewer) : {},
      stateVersion: this.source.stateVersion(),
      uptimeMs: this.clock.now() - this.runtime.startedAtMs,
    };
    if (seesPrivateDetails(viewer)) {
      snapshot.configPath = this.runtime.config.configPath;
      snapshot.stateDir = this.runtime.config.stateDir;
    }
    return snapshot;
  }
}
