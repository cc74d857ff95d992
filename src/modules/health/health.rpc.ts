import type { RpcContext } from '../gateway/rpc/rpc-context';
import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import { HealthService } from './health.service';
import { PresenceService } from './presence.service';
import { StatusService } from './status.service';
import { healthFor, presenceFor } from './viewer-views';

@RpcHandlers()
export class HealthRpc {
  constructor(
    private readonly health: HealthService,
    private readonly presence: PresenceService,
    private readonly status: StatusService,
  ) {}

  @RpcMethod('health', { scope: 'operator.read' })
  getHealth(_params: unknown, ctx: RpcContext) {
    return healthFor(ctx.connection.session!, this.health.snapshot());
  }

  @RpcMethod('status', { scope: 'operator.read' })
  getStatus(_params: unknown, ctx: RpcContext) {
    return this.status.summary(ctx.connection.session!);
  }

  @RpcMethod('system-presence', { scope: 'operator.read' })
  getPresence(_params: unknown, ctx: RpcContext) {
    return presenceFor(ctx.connection.session!, this.presence.list());
  }
}
