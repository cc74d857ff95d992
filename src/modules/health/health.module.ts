import { Module, OnModuleInit } from '@nestjs/common';
import { ChannelsCoreModule } from '../channels/channels-core.module';
import { GatewayCoreModule } from '../gateway/gateway-core.module';
import { SessionsModule } from '../sessions/sessions.module';
import { HelloSnapshotSource } from '../gateway/hello-snapshot';
import { HealthController } from './health.controller';
import { HealthRpc } from './health.rpc';
import { SecurityRpc } from './security.rpc';
import { HealthService } from './health.service';
import { PresenceService } from './presence.service';
import { StateVersionService } from './state-version.service';
import { StatusService } from './status.service';
import { healthFor, presenceFor } from './viewer-views';

@Module({
  imports: [GatewayCoreModule, SessionsModule, ChannelsCoreModule],
  controllers: [HealthController],
  providers: [HealthRpc, SecurityRpc, HealthService, PresenceService, StateVersionService, StatusService],
  exports: [HealthService, PresenceService],
})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly hello: HelloSnapshotSource,
    private readonly health: HealthService,
    private readonly presence: PresenceService,
    private readonly versions: StateVersionService,
  ) {}

  onModuleInit(): void {
    this.hello.use({
      presence: (viewer, connId) => presenceFor(viewer, this.presence.summary(connId)),
      health: (viewer) => healthFor(viewer, this.health.snapshot()),
      stateVersion: () => this.versions.current(),
    });
  }
}
