import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { AgentRunRequest, AgentRunResult, AgentStreamEvent } from './agent.types';

/**
 * The one entry point for running the agent, for channels and operators alike.
 * (Being implemented: serialization per session, concurrency limit, timeout,
 * abort, providers and tools.)
 */
@Injectable()
export class AgentRuntime {
  readonly events$ = new Subject<AgentStreamEvent>();

  run(_request: AgentRunRequest): Promise<AgentRunResult> {
    return Promise.reject(new Error('AgentRuntime.run is not implemented yet'));
  }

  abort(_sessionKey: string, _runId?: string): boolean {
    return false;
  }
}
