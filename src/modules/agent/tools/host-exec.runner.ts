import { Injectable } from '@nestjs/common';
import * as os from 'node:os';
import { runProcess, type ProcessOutcome } from '../../../common/exec/process-runner';
import { baseEnv, mergeEnv } from '../../../common/exec/safe-env';

export const HOST_EXEC_MAX_OUTPUT_BYTES = 64 * 1024;
/** Where commands run on the gateway host; shown in approval prompts. */
export const HOST_EXEC_CWD = os.homedir();

export interface HostExecSpec {
  argv: string[];
  /** Already checked against the exec env policy (common/exec/env-policy); set over the safe base. */
  env?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Runs a command on the gateway machine: no shell, its own process group
 * (killed whole on timeout or abort), output capped, and an environment
 * holding none of the gateway's secrets. The process runner is the node
 * host's, so both hosts behave the same way.
 */
@Injectable()
export class HostExecRunner {
  private readonly env = baseEnv(process.env);

  run(spec: HostExecSpec): Promise<ProcessOutcome> {
    return runProcess({
      file: spec.argv[0],
      argv: spec.argv,
      cwd: HOST_EXEC_CWD,
      env: mergeEnv(this.env, spec.env),
      timeoutMs: spec.timeoutMs,
      maxOutputBytes: HOST_EXEC_MAX_OUTPUT_BYTES,
      signal: spec.signal,
    });
  }
}
