import { ErrorCode } from '../../common/protocol';
import { invalidRequest, RpcError } from '../gateway/rpc/rpc-error';

export const AgentErrors = {
  unknownRun: (runId: string) =>
    invalidRequest(`unknown run: ${runId} is neither running nor among the recently finished runs`, { details: { runId } }),
  waitTimedOut: (runId: string, timeoutMs: number) =>
    new RpcError(
      ErrorCode.AgentTimeout,
      `run ${runId} has not finished within ${timeoutMs} ms; call agent.wait again to keep waiting`,
      {
        details: { runId },
        retryable: true,
      },
    ),
};
