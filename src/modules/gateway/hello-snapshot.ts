import { Injectable } from '@nestjs/common';
import { GatewayEvent, type HelloOk } from '../../common/protocol';
import { mayReceive, seesPrivateDetails } from './event-access';
import { GatewayRuntime } from '../config/gateway-runtime';
import type { CallerAccess } from './rpc/access';

export type HelloSnapshotParts = Pick<HelloOk['snapshot'], 'presence' | 'health' | 'stateVersion'>;

/**
 * hello-ok carries presence and health, which the health module owns; it
 * plugs its source in here so the gateway module does not depend on it.
 * The snapshot follows the event table: a client that would not receive
 * `presence`/`health` events (a node, an operator without operator.read)
 * gets them empty, and only operator.admin learns the gateway's paths.
 */
@Injectable()
export class HelloSnapshotSource {
  private source: (viewer: CallerAccess) => HelloSnapshotParts = () => ({
    presence: [],
    health: {},
    stateVersion: { presence: 0, health: 0 },
  });

  constructor(private readonly runtime: GatewayRuntime) {}

  /** The source is asked for the viewer's own view (redacted for non-admins). */
  use(source: (viewer: CallerAccess) => HelloSnapshotParts): void {
    this.source = source;
  }

  build(viewer: CallerAccess): HelloOk['snapshot'] {
    const parts = this.source(viewer);
    const snapshot: HelloOk['snapshot'] = {
      presence: mayReceive(GatewayEvent.Presence, viewer) ? parts.presence : [],
      health: mayReceive(GatewayEvent.Health, viewer) ? parts.health : {},
      stateVersion: parts.stateVersion,
      uptimeMs: Date.now() - this.runtime.startedAtMs,
    };
    if (seesPrivateDetails(viewer)) {
      snapshot.configPath = this.runtime.config.configPath;
      snapshot.stateDir = this.runtime.config.stateDir;
    }
    return snapshot;
  }
}
