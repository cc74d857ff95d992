/** A refusal to start that the user can fix; its message says how. */
export class StartupError extends Error {
  override name = 'StartupError';
}
