/**
 * The gateway's last line of defence: an error nothing else caught. Every
 * path a peer can reach has its own handler (docs/protocol.md, "Limits"), so
 * reaching this is a gateway bug; one connection's bug must not end every
 * other connection, so the process logs it and keeps serving.
 */

export type LastResortKind = 'unhandledRejection' | 'uncaughtException';

/** The marker every last-resort log line starts with, for log searches and tests. */
export const LAST_RESORT_MARKER = 'nestclaw: last-resort handler caught';

/** Distinct errors remembered; past this, repeats are no longer told apart, only counted. */
const MAX_REMEMBERED = 100;

/**
 * Logs each distinct error once, with its stack, and only counts repeats, so
 * a bug that fires per frame cannot flood the log.
 */
export class LastResortPolicy {
  private readonly seen = new Map<string, number>();
  private total = 0;

  constructor(private readonly log: (line: string) => void) {}

  get incidents(): number {
    return this.total;
  }

  handle(kind: LastResortKind, error: unknown): void {
    this.total++;
    const key = `${kind}|${signature(error)}`;
    const earlier = this.seen.get(key);
    if (earlier !== undefined) {
      this.seen.set(key, earlier + 1);
      return;
    }
    if (this.seen.size < MAX_REMEMBERED) this.seen.set(key, 1);
    const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : describeValue(error);
    this.log(
      `${LAST_RESORT_MARKER} an ${kind} (the gateway keeps serving; please report this as a bug; repeats are counted, not logged): ${detail}`,
    );
  }
}

/**
 * Installs the policy on the process. Returns a function that removes it
 * again. Node's default for both events is to exit, which is what this
 * replaces.
 */
export function installLastResortHandlers(policy: LastResortPolicy, target: NodeJS.Process = process): () => void {
  const onRejection = (reason: unknown) => policy.handle('unhandledRejection', reason);
  const onException = (error: unknown) => policy.handle('uncaughtException', error);
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}

/** The error's type, message and the first frame of its stack: the same bug at the same place reads the same. */
function signature(error: unknown): string {
  if (!(error instanceof Error)) return describeValue(error);
  const firstFrame = error.stack?.split('\n').find((line) => line.trimStart().startsWith('at ')) ?? '';
  return `${error.name}: ${error.message} ${firstFrame.trim()}`;
}

function describeValue(value: unknown): string {
  try {
    return `non-Error value ${String(value).slice(0, 200)}`;
  } catch {
    return 'a non-Error value that cannot be printed';
  }
}
