import { DomainError } from '../../common/domain-error';

export const AgentErrorCode = {
  UnknownRun: 'UNKNOWN_RUN',
  WaitTimedOut: 'WAIT_TIMED_OUT',
} as const;
export type AgentErrorCode = (typeof AgentErrorCode)[keyof typeof AgentErrorCode];

export class AgentError extends DomainError<AgentErrorCode> {}

export const AgentErrors = {
  unknownRun: (runId: string) =>
    new AgentError(AgentErrorCode.UnknownRun, `unknown run: ${runId} is neither running nor among the recently finished runs`, {
      details: { runId },
    }),
  waitTimedOut: (runId: string, timeoutMs: number) =>
    new AgentError(
      AgentErrorCode.WaitTimedOut,
      `run ${runId} has not finished within ${timeoutMs} ms; call agent.wait again to keep waiting`,
      { details: { runId } },
    ),
};
