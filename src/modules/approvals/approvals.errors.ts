import { invalidRequest, unavailable } from '../gateway/rpc/rpc-error';
import type { ExecApprovalResolution } from './approvals.types';

const LIST_HINT = 'see `nestclaw approvals list`';

export const ApprovalsErrors = {
  unknown: (id: string) =>
    invalidRequest(`unknown approval: no exec approval request has the id "${id}"; ${LIST_HINT}`, { details: { id } }),
  alreadyResolved: (resolution: ExecApprovalResolution) =>
    invalidRequest(
      `already resolved: exec approval ${resolution.id} was settled as ${resolution.decision} (${
        resolution.reason === 'decided' ? `by ${resolution.decidedBy ?? 'someone else'}` : resolution.reason
      }); the first answer wins`,
      { details: { ...resolution } },
    ),
  gatewayFileUnusable: (problem: string) =>
    invalidRequest(
      `the gateway host's exec-approvals.json is not usable (${problem}); fix it on the gateway host (nothing in it is allowed until then)`,
    ),
  allowlistRefused: (message: string, reason: string) => invalidRequest(message, { details: { reason } }),
  nativePolicy: (nodeId: string) =>
    invalidRequest(
      `node ${nodeId} keeps its allowlist in exec-approvals.json and has no host-native approval policy; send "file" instead of "native" (read it with exec.approvals.node.get)`,
      { details: { nodeId, reason: 'native-policy-unsupported' } },
    ),
  nodeRefused: (nodeId: string, code: string, message: string) =>
    invalidRequest(`node ${nodeId} refused: ${message}`, { details: { nodeId, nodeError: { code, message } } }),
  badNodeSnapshot: (nodeId: string) =>
    unavailable(
      `node ${nodeId} answered with an approvals file this gateway cannot read; update its nestclaw (or check its exec-approvals.json)`,
      { details: { nodeId } },
    ),
  noApprover: (relays: readonly string[]) =>
    unavailable(
      'no approver reachable: no operator with operator.approvals is connected' +
        (relays.length > 0 ? ` and ${relays.join(', ')} has no approver to send the prompt to` : '') +
        '; set channels.telegram.approvers (or allowFrom, or pair a Telegram sender) or open the Control UI, then try again',
      { details: { reason: 'no-approver' } },
    ),
  tooMany: (limit: number) =>
    unavailable(`too many exec approval requests are waiting (${limit}); answer or let some expire, then try again`, {
      retryable: true,
    }),
  tooManyForNode: (nodeId: string, limit: number) =>
    unavailable(
      `too many exec approval requests from node ${nodeId} are waiting (${limit}); wait for an answer to one of them before asking again`,
      { details: { nodeId, limit }, retryable: true },
    ),
};
