/** The CLI's exit codes, promised to scripts (README). */
export const ExitCode = {
  Ok: 0,
  /** The gateway answered, with an error (auth refused, method failed). */
  GatewayError: 1,
  /** Nothing usable answered: refused, timed out, TLS mismatch, closed. */
  Unreachable: 2,
  /** Bad flags or configuration; nothing was tried. */
  Usage: 3,
} as const;

/** A problem with flags or config, found before anything was tried. */
export class UsageError extends Error {
  override name = 'UsageError';
}
