/**
 * A refusal to start that the user can fix; its message says how. Most are
 * configuration (exit 3: a supervisor must not retry them); `retryable` ones
 * may pass on their own (the port still held by a stopping instance, an
 * interface not up yet at boot) and exit 1 so a supervisor tries again.
 */
export class StartupError extends Error {
  override name = 'StartupError';
  readonly retryable: boolean;

  constructor(message?: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.retryable = options.retryable ?? false;
  }
}
