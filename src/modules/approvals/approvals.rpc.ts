import { Clock } from '../../common/clock';
import { ExecAllowlistMethod, ExecApprovalMethod } from '../../common/protocol';
import type { ConnectionSession } from '../gateway/connection/connection';
import { RpcHandlers, RpcMethod } from '../gateway/rpc/rpc.decorators';
import type { RpcContext } from '../gateway/rpc/rpc-context';
import { nodeIdOf } from '../nodes/nodes.types';
import { RequestExecApprovalParams } from './dto/request-exec-approval.params';
import { ResolveExecApprovalParams } from './dto/resolve-exec-approval.params';
import { ExecApprovalsService } from './exec-approvals.service';
import { ExecAllowlistsService } from './exec-allowlists.service';
import { ApprovalsErrors } from './approvals.errors';
import { NodeExecApprovalsParams } from './dto/node-exec-approvals.params';
import { SetExecApprovalsParams } from './dto/set-exec-approvals.params';
import { SetNodeExecApprovalsParams } from './dto/set-node-exec-approvals.params';

@RpcHandlers()
export class ApprovalsRpc {
  constructor(
    private readonly approvals: ExecApprovalsService,
    private readonly allowlists: ExecAllowlistsService,
    private readonly clock: Clock,
  ) {}

  /** Answered only once the prompt is settled: the response is the decision. */
  @RpcMethod(ExecApprovalMethod.Request, { role: 'node', scope: null, params: RequestExecApprovalParams })
  request(p: RequestExecApprovalParams, ctx: RpcContext) {
    const session = ctx.connection.session!;
    return this.approvals.request(
      {
        host: 'node',
        nodeId: nodeIdOf(session),
        hostName: session.client.displayName,
        argv: p.argv,
        cwd: p.cwd,
        env: p.env,
        resolvedPath: p.resolvedPath,
        sessionKey: p.sessionKey,
        timeoutMs: p.timeoutMs,
      },
      { connection: ctx.connection },
    );
  }

  @RpcMethod(ExecApprovalMethod.Resolve, { scope: 'operator.approvals', params: ResolveExecApprovalParams })
  resolve(p: ResolveExecApprovalParams, ctx: RpcContext) {
    return this.approvals.resolve(p.id, p.decision, operatorLabel(ctx.connection.session!));
  }

  @RpcMethod(ExecApprovalMethod.List, { scope: 'operator.approvals' })
  list() {
    return { ts: this.clock.now(), pending: this.approvals.list() };
  }

  // The allowlists decide what runs without asking anyone: admin, as in the reference.
  @RpcMethod(ExecAllowlistMethod.Get, { scope: 'operator.admin' })
  getAllowlist() {
    return this.allowlists.getGateway();
  }

  @RpcMethod(ExecAllowlistMethod.Set, { scope: 'operator.admin', params: SetExecApprovalsParams })
  setAllowlist(p: SetExecApprovalsParams, ctx: RpcContext) {
    return this.allowlists.setGateway(p.file, p.baseHash, operatorLabel(ctx.connection.session!));
  }

  @RpcMethod(ExecAllowlistMethod.NodeGet, { scope: 'operator.admin', params: NodeExecApprovalsParams })
  getNodeAllowlist(p: NodeExecApprovalsParams) {
    return this.allowlists.getNode(p.nodeId);
  }

  @RpcMethod(ExecAllowlistMethod.NodeSet, { scope: 'operator.admin', params: SetNodeExecApprovalsParams })
  setNodeAllowlist(p: SetNodeExecApprovalsParams, ctx: RpcContext) {
    if (p.file === undefined) throw ApprovalsErrors.nativePolicy(p.nodeId);
    return this.allowlists.setNode(p.nodeId, p.file, p.baseHash, operatorLabel(ctx.connection.session!));
  }
}

/** Who answered, for the resolved event and the log: the client's name and, when known, its device. */
export function operatorLabel(session: Pick<ConnectionSession, 'client' | 'deviceId'>): string {
  const name = session.client.displayName ?? session.client.id;
  return session.deviceId ? `${name} (device ${session.deviceId.slice(0, 12)})` : name;
}
