import { GatewayEvent } from '../../common/protocol';
import { accessDenial, CallerAccess, MethodAccess } from './rpc/access';

/**
 * Who may receive each event, like the method table: the role it is meant
 * for and, for operators, the scope it needs. `null` means every
 * connection that finished the handshake (keep-alives and lifecycle).
 * A change here is a permission change: test/unit/event-permissions.spec.ts
 * pins it.
 */
export const EVENT_ACCESS: Readonly<Record<GatewayEvent, MethodAccess | null>> = {
  // Sent before the handshake to the one connection being challenged; it reveals nothing.
  [GatewayEvent.ConnectChallenge]: null,
  [GatewayEvent.Tick]: null,
  [GatewayEvent.Shutdown]: null,
  [GatewayEvent.Presence]: { role: 'operator', scope: 'operator.read' },
  [GatewayEvent.Health]: { role: 'operator', scope: 'operator.read' },
  [GatewayEvent.DevicePairRequested]: { role: 'operator', scope: 'operator.pairing' },
  [GatewayEvent.DevicePairResolved]: { role: 'operator', scope: 'operator.pairing' },
  [GatewayEvent.NodePairRequested]: { role: 'operator', scope: 'operator.pairing' },
  [GatewayEvent.NodePairResolved]: { role: 'operator', scope: 'operator.pairing' },
  // Addressed to the one node that runs the command; never broadcast.
  [GatewayEvent.NodeInvokeRequest]: { role: 'node', scope: null },
  [GatewayEvent.NodeEvent]: { role: 'operator', scope: 'operator.read' },
  [GatewayEvent.Agent]: { role: 'operator', scope: 'operator.read' },
  [GatewayEvent.Chat]: { role: 'operator', scope: 'operator.read' },
  [GatewayEvent.ExecApprovalRequested]: { role: 'operator', scope: 'operator.approvals' },
  [GatewayEvent.ExecApprovalResolved]: { role: 'operator', scope: 'operator.approvals' },
  // Paths of the gateway's own settings: as private as config.get.
  [GatewayEvent.Config]: { role: 'operator', scope: 'operator.admin' },
};

/** Whether a connection with this role and these scopes may receive the event. */
export function mayReceive(event: GatewayEvent, receiver: CallerAccess): boolean {
  const access = EVENT_ACCESS[event];
  return access === null || accessDenial(access, receiver) === undefined;
}

/**
 * Other clients' addresses, device ids, session keys and the gateway's file
 * paths are for operator.admin only: a read-only dashboard or a node learns
 * that peers exist, not where they are or who they talk to.
 */
export function seesPrivateDetails(viewer: CallerAccess): boolean {
  return viewer.role === 'operator' && viewer.scopes.includes('operator.admin');
}

/**
 * A payload with a reduced form for viewers without operator.admin. The
 * broadcaster serializes each form at most once per broadcast.
 */
export class ViewerPayload<Full = unknown, Limited = unknown> {
  constructor(
    readonly full: Full,
    readonly limited: Limited,
  ) {}

  for(viewer: CallerAccess): Full | Limited {
    return seesPrivateDetails(viewer) ? this.full : this.limited;
  }
}
