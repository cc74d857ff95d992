import { DomainError } from '../../common/domain-error';
import type { ExecApprovalResolution } from './approvals.types';

export const ApprovalsErrorCode = {
  Unknown: 'UNKNOWN',
  AlreadyResolved: 'ALREADY_RESOLVED',
  /** The gateway-wide cap on waiting requests is reached. */
  TooMany: 'TOO_MANY',
  /** One node's share of the waiting requests is used up. */
  TooManyForNode: 'TOO_MANY_FOR_NODE',
  GatewayFileUnusable: 'GATEWAY_FILE_UNUSABLE',
  /** An allowlist edit the file format or the policy refuses; details.reason says which. */
  AllowlistRefused: 'ALLOWLIST_REFUSED',
  NativePolicy: 'NATIVE_POLICY',
  /** The node refused an allowlist read or write; details.nodeError is what it said. */
  NodeRefused: 'NODE_REFUSED',
  BadNodeSnapshot: 'BAD_NODE_SNAPSHOT',
  /** Nobody could be asked: no operator with operator.approvals and no chat approver. */
  NoApprover: 'NO_APPROVER',
} as const;
export type ApprovalsErrorCode = (typeof ApprovalsErrorCode)[keyof typeof ApprovalsErrorCode];

export class ApprovalsError extends DomainError<ApprovalsErrorCode> {}

const LIST_HINT = 'see `nestclaw approvals list`';

export const ApprovalsErrors = {
  unknown: (id: string) =>
    new ApprovalsError(
      ApprovalsErrorCode.Unknown,
      `unknown approval: no exec approval request has the id "${id}"; ${LIST_HINT}`,
      {
        details: { id },
      },
    ),
  alreadyResolved: (resolution: ExecApprovalResolution) =>
    new ApprovalsError(
      ApprovalsErrorCode.AlreadyResolved,
      `already resolved: exec approval ${resolution.id} was settled as ${resolution.decision} (${
        resolution.reason === 'decided' ? `by ${resolution.decidedBy ?? 'someone else'}` : resolution.reason
      }); the first answer wins`,
      { details: { ...resolution } },
    ),
  gatewayFileUnusable: (problem: string) =>
    new ApprovalsError(
      ApprovalsErrorCode.GatewayFileUnusable,
      `the gateway host's exec-approvals.json is not usable (${problem}); fix it on the gateway host (nothing in it is allowed until then)`,
    ),
  allowlistRefused: (message: string, reason: string) =>
    new ApprovalsError(ApprovalsErrorCode.AllowlistRefused, message, { details: { reason } }),
  nativePolicy: (nodeId: string) =>
    new ApprovalsError(
      ApprovalsErrorCode.NativePolicy,
      `node ${nodeId} keeps its allowlist in exec-approvals.json and has no host-native approval policy; send "file" instead of "native" (read it with exec.approvals.node.get)`,
      { details: { nodeId, reason: 'native-policy-unsupported' } },
    ),
  nodeRefused: (nodeId: string, code: string, message: string) =>
    new ApprovalsError(ApprovalsErrorCode.NodeRefused, `node ${nodeId} refused: ${message}`, {
      details: { nodeId, nodeError: { code, message } },
    }),
  badNodeSnapshot: (nodeId: string) =>
    new ApprovalsError(
      ApprovalsErrorCode.BadNodeSnapshot,
      `node ${nodeId} answered with an approvals file this gateway cannot read; update its nestclaw (or check its exec-approvals.json)`,
      { details: { nodeId } },
    ),
  noApprover: (relays: readonly string[]) =>
    new ApprovalsError(
      ApprovalsErrorCode.NoApprover,
      'no approver reachable: no operator with operator.approvals is connected' +
        (relays.length > 0 ? ` and ${relays.join(', ')} has no approver to send the prompt to` : '') +
        '; set channels.telegram.approvers (or allowFrom, or pair a Telegram sender) or open the Control UI, then try again',
      { details: { reason: 'no-approver' } },
    ),
  tooMany: (limit: number) =>
    new ApprovalsError(
      ApprovalsErrorCode.TooMany,
      `too many exec approval requests are waiting (${limit}); answer or let some expire, then try again`,
    ),
  tooManyForNode: (nodeId: string, limit: number) =>
    new ApprovalsError(
      ApprovalsErrorCode.TooManyForNode,
      `too many exec approval requests from node ${nodeId} are waiting (${limit}); wait for an answer to one of them before asking again`,
      { details: { nodeId, limit } },
    ),
};
