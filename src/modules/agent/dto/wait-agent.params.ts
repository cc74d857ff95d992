import { IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from '../../../common/validation/class-validator';

export const DEFAULT_WAIT_MS = 30_000;
export const MAX_WAIT_MS = 10 * 60_000;

export class WaitAgentParams {
  @IsString() @MinLength(1) @MaxLength(256) runId: string;
  /** 0 answers at once: the result if the run is over, else AGENT_TIMEOUT. */
  @IsOptional() @IsInt() @Min(0) @Max(MAX_WAIT_MS) timeoutMs?: number;
}
