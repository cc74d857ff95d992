/** The CLI's exit codes, promised to scripts (README). */
export const ExitCode = {
  Ok: 0,
  /** The gateway answered, with an error (auth refused, method failed). */
  GatewayError: 1,
  /** Nothing usable answered: refused, timed out, TLS mismatch, closed. */
  Unreachable: 2,
  /** Bad flags or configuration; nothing was tried. */
  Usage: 3,
  /**
   * Anything else that failed: an unexpected error, a stop that did not
   * finish, a second signal cutting a stop short. The same number as
   * GatewayError, which scripts already read as "it failed".
   */
  Failed: 1,
  /** `gateway run`: the configuration is one the gateway refuses to start with; like Usage, never worth a retry. */
  StartupRefused: 3,
  /** `gateway run`: a refusal that may pass on its own (the port still taken); a supervisor retries. */
  StartupRetryable: 1,
  /** `security audit`: a critical finding remains. */
  AuditCritical: 1,
} as const;

/** A problem with flags or config, found before anything was tried. */
export class UsageError extends Error {
  override name = 'UsageError';
}
