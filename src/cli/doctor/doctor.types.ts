/** One step on the way from this machine to a working gateway session. */
export type HopName =
  | 'config'
  | 'dns'
  | 'tcp'
  | 'tls'
  | 'upgrade'
  | 'auth'
  | 'pairing'
  | 'scopes'
  | 'version'
  | 'state-dir'
  | 'service'
  | 'tailscale';

export type HopStatus = 'ok' | 'fail' | 'skip' | 'warn';

export interface HopResult {
  hop: HopName;
  status: HopStatus;
  /** What was found, in one line. */
  detail: string;
  /** On a failure or a warning: the command or change that fixes it. */
  fix?: string;
}

/** Thrown by a hop to stop the walk; `fix` is what the user runs next. */
export class HopFailure extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'HopFailure';
  }
}
