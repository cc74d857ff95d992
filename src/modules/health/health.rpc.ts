import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { HealthService } from './health.service';
import { PresenceService } from './presence.service';
import { StatusService } from './status.service';

@RpcHandlers()
export class HealthRpc {
  constructor(
    private readonly health: HealthService,
    private readonly presence: PresenceService,
    private readonly status: StatusService,
  ) {}

  @RpcMethod('health', { scope: 'operator.read' })
  getHealth() {
    return this.health.snapshot();
  }

  @RpcMethod('status', { scope: 'operator.read' })
  getStatus() {
    return this.status.summary();
  }

  @RpcMethod('system-presence', { scope: 'operator.read' })
  getPresence() {
    return this.presence.list();
  }
}
