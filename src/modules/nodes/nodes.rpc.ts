import { Clock } from '../../common/clock';
import { seesPrivateDetails } from '../gateway/event-access';
import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import type { RpcContext } from '../gateway/rpc/rpc-context';
import { DescribeNodeParams } from './dto/describe-node.params';
import { InvokeNodeParams } from './dto/invoke-node.params';
import { NodeInvokeResultParams } from './dto/invoke-result.params';
import { NodeEventParams } from './dto/node-event.params';
import { RenameNodeParams } from './dto/rename-node.params';
import { NodesService } from './nodes.service';
import { callerOf } from './caller';

@RpcHandlers()
export class NodesRpc {
  constructor(
    private readonly nodes: NodesService,
    private readonly clock: Clock,
  ) {}

  @RpcMethod('node.list', { scope: 'operator.read' })
  list(_params: unknown, ctx: RpcContext) {
    return { ts: this.clock.now(), nodes: this.nodes.list().map((node) => forViewer(node, ctx)) };
  }

  @RpcMethod('node.describe', { scope: 'operator.read', params: DescribeNodeParams })
  describe(p: DescribeNodeParams, ctx: RpcContext) {
    return forViewer(this.nodes.describe(p.nodeId), ctx);
  }

  @RpcMethod('node.invoke', { scope: 'operator.write', params: InvokeNodeParams })
  invoke(p: InvokeNodeParams, ctx: RpcContext) {
    // Named fields rather than a spread of the DTO instance: cheaper, and nothing but these reaches the service.
    const { nodeId, command, params, timeoutMs, idempotencyKey } = p;
    return this.nodes.invoke({ nodeId, command, params, timeoutMs, idempotencyKey, caller: callerOf(ctx.connection.session!) });
  }

  @RpcMethod('node.invoke.result', { role: 'node', scope: null, params: NodeInvokeResultParams })
  invokeResult(p: NodeInvokeResultParams, ctx: RpcContext) {
    const ack = this.nodes.acceptResult(p, ctx.connection);
    // The operator waiting on this result is answered first: its response is
    // queued on promise callbacks, and a synchronous ack would take the
    // socket write ahead of it. The node does not wait on the ack.
    return new Promise<typeof ack>((resolve) => setImmediate(() => resolve(ack)));
  }

  @RpcMethod('node.event', { role: 'node', scope: null, params: NodeEventParams })
  event(p: NodeEventParams, ctx: RpcContext) {
    return this.nodes.reportEvent(ctx.connection, p);
  }

  @RpcMethod('node.rename', { scope: 'operator.pairing', params: RenameNodeParams })
  rename(p: RenameNodeParams) {
    return this.nodes.rename(p.nodeId, p.displayName);
  }
}

/** A node's address is for operator.admin only, like every client's in presence (docs/protocol.md, "Who sees what"). */
function forViewer<T extends { remoteIp?: string }>(node: T, ctx: RpcContext): T {
  if (seesPrivateDetails(ctx.connection.session!)) return node;
  const { remoteIp: _hidden, ...rest } = node;
  return rest as T;
}
