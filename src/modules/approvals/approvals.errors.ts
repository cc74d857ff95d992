import { DomainError } from '../../common/domain-error';
import type { ExecApprovalResolution } from './approvals.types';

export const ApprovalsErrorCode = {
  Unknown: 'UNKNOWN',
  AlreadyResolved: 'ALREADY_RESOLVED',
  /** The gateway-wide cap on waiting requests is reached. */
  TooMany: 'TOO_MANY',
  /** One node's share of the waiting requests is used up. */
  TooManyForNode: 'TOO_MANY_FOR_NODE',
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
