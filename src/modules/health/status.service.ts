import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { formatFingerprint } from '../../common/net';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { GatewayRuntime } from '../config/gateway-runtime';
import { seesPrivateDetails } from '../gateway/event-access';
import type { CallerAccess } from '../gateway/rpc/access';
import { GatewayAuthSettings } from '../auth/gateway-auth-settings';
import { DatabaseService } from '../state/database.service';
import { ChannelRegistry } from '../channels/channel-registry';
import { SessionsService } from '../sessions/sessions.service';
import { TailscaleService } from '../tailscale/tailscale.service';

/** The short summary behind the `status` method. */
@Injectable()
export class StatusService {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly registry: ConnectionRegistry,
    private readonly auth: GatewayAuthSettings,
    private readonly database: DatabaseService,
    private readonly sessions: SessionsService,
    private readonly channels: ChannelRegistry,
    private readonly tailscale: TailscaleService,
    private readonly clock: Clock,
  ) {}

  /** The gateway's file paths are for operator.admin only (see seesPrivateDetails). */
  summary(viewer: CallerAccess) {
    const { gateway, configPath, stateDir } = this.runtime.config;
    const nodes = this.registry.countByRole('node');
    return {
      version: this.runtime.version,
      host: this.runtime.hostName,
      uptimeMs: this.clock.now() - this.runtime.startedAtMs,
      bind: { mode: gateway.bind, hosts: this.runtime.bindHosts, port: this.runtime.port },
      auth: { mode: this.auth.mode },
      tailscale: this.tailscale.summary(),
      tls: this.tlsSummary(),
      channels: this.channels.snapshot(),
      sessions: { count: this.sessions.count },
      nodes: { connected: nodes },
      connections: { operators: this.registry.size - nodes, nodes },
      ...(seesPrivateDetails(viewer) ? { configPath, stateDir } : {}),
      state: { schema: this.database.schemaVersion, createdAtMs: this.database.createdAtMs },
    };
  }

  private tlsSummary(): { enabled: boolean; fingerprintSha256?: string } {
    const fingerprint = this.runtime.tlsFingerprint;
    return fingerprint ? { enabled: true, fingerprintSha256: formatFingerprint(fingerprint) } : { enabled: false };
  }
}
