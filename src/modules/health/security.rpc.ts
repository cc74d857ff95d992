import { auditConfig } from '../../common/audit';
import { Clock } from '../../common/clock';
import { GatewayRuntime } from '../config/gateway-runtime';
import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';

/**
 * The same audit `nestclaw security audit` runs, for the Control UI's
 * overview. Admin only: findings name files and settings of the host.
 */
@RpcHandlers()
export class SecurityRpc {
  constructor(
    private readonly runtime: GatewayRuntime,
    private readonly clock: Clock,
  ) {}

  @RpcMethod('security.audit', { scope: 'operator.admin' })
  audit() {
    const findings = auditConfig(this.runtime.config).map(({ id, severity, message, fix }) => ({ id, severity, message, fix }));
    return { ts: this.clock.now(), critical: findings.filter((f) => f.severity === 'critical').length, findings };
  }
}
