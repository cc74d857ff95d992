import type { Update } from '@grammyjs/types';
import type { ReceiveResult } from '../channel.types';
import type { TelegramStateRepository } from './telegram-state.repository';

export type IntakeStore = Pick<
  TelegramStateRepository,
  'cursor' | 'saveCursor' | 'storeUpdate' | 'isHandled' | 'markHandled' | 'unhandled' | 'maxStoredUpdateId'
>;

export interface TelegramIntakeOptions {
  store: IntakeStore;
  accountId: string;
  now: () => number;
  /** Handles one update: "handled" once its reply is sent or durably queued, "deferred" to keep it for the next start. */
  handle: (update: Update) => Promise<ReceiveResult>;
  onError: (message: string) => void;
}

/**
 * Where updates enter, from long polling and from the webhook alike, and the
 * bookkeeping that makes "never lost, never answered twice" hold:
 *
 * 1. An update is written to channel_inbox before Telegram is told it
 *    arrived (the next getUpdates offset, or the webhook's 200).
 * 2. Updates run concurrently across chats and in order within a chat.
 * 3. Only once the handler resolved (reply sent or queued in the outbox) is
 *    the update marked handled and the committed offset (channel_cursors)
 *    moved — and never past an update still in flight.
 * 4. On start, stored updates that were never handled run again; the router
 *    sees an already-queued reply by its source ref and does not re-run the agent.
 */
export class TelegramIntake {
  private readonly inFlight = new Set<number>();
  /** Left for the next start (the gateway is stopping); the committed offset stays below them. */
  private readonly deferred = new Set<number>();
  private readonly chains = new Map<string, Promise<void>>();
  private fetchOffset = 0;
  private committed = 0;
  private closed = false;

  constructor(private readonly options: TelegramIntakeOptions) {}

  /** Loads the committed offset, schedules stored-but-unhandled updates, and returns where polling resumes. */
  resume(): number {
    const { store, accountId } = this.options;
    this.closed = false;
    this.deferred.clear();
    this.committed = store.cursor(accountId);
    const maxStored = store.maxStoredUpdateId(accountId);
    this.fetchOffset = Math.max(this.committed, maxStored === undefined ? 0 : maxStored + 1);
    for (const { updateId, payload } of store.unhandled(accountId)) {
      if (!this.inFlight.has(updateId)) this.schedule(updateId, payload as Update);
    }
    return this.fetchOffset;
  }

  /** The offset the next getUpdates should ask for. */
  get nextOffset(): number {
    return this.fetchOffset;
  }

  /** The offset below which every update is handled. */
  get committedOffset(): number {
    return this.committed;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Stores the update (synchronously, before returning) and handles it in the background. */
  accept(update: Update): void {
    const { store, accountId } = this.options;
    const id = update.update_id;
    const isNew = store.storeUpdate(accountId, id, update, this.options.now());
    // Only now may the next poll confirm it to Telegram: it is on disk.
    this.fetchOffset = Math.max(this.fetchOffset, id + 1);
    if (!isNew && (this.inFlight.has(id) || this.deferred.has(id) || store.isHandled(accountId, id) || this.closed)) {
      this.commit();
      return;
    }
    this.schedule(id, update);
  }

  /** Stops starting new work; updates not started stay in the inbox for the next start. */
  close(): void {
    this.closed = true;
  }

  /**
   * Resolves when nothing is running (or after timeoutMs). A real deadline, not the injected clock: it
   * bounds a real timer during shutdown, and a stopped test clock must not make it wait forever.
   */
  async idle(timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.chains.size > 0 && Date.now() < deadline) {
      const all = Promise.all([...this.chains.values()]).then(() => undefined);
      if (!Number.isFinite(timeoutMs)) await all;
      else {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))]);
        clearTimeout(timer);
      }
    }
  }

  private schedule(id: number, update: Update): void {
    this.inFlight.add(id);
    const key = String(update.message?.chat.id ?? 'other');
    const next = (this.chains.get(key) ?? Promise.resolve()).then(() => this.process(id, update));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private async process(id: number, update: Update): Promise<void> {
    const { store, accountId } = this.options;
    if (this.closed) {
      this.inFlight.delete(id);
      this.deferred.add(id);
      return;
    }
    try {
      if ((await this.options.handle(update)) === 'deferred') {
        this.inFlight.delete(id);
        this.deferred.add(id);
        return;
      }
    } catch (error) {
      // A message that makes the handler throw would otherwise be retried on every start, forever.
      this.options.onError(`update ${id} could not be handled and is skipped: ${describe(error)}`);
    }
    try {
      store.markHandled(accountId, id, this.options.now());
    } catch (error) {
      this.options.onError(`update ${id} handled but not recorded (it runs again on the next start): ${describe(error)}`);
      this.inFlight.delete(id);
      return;
    }
    this.inFlight.delete(id);
    this.commit();
  }

  private commit(): void {
    const waiting = [...this.inFlight, ...this.deferred];
    const offset = waiting.length > 0 ? Math.min(...waiting) : this.fetchOffset;
    if (offset <= this.committed) return;
    try {
      this.options.store.saveCursor(this.options.accountId, offset, this.options.now());
      this.committed = offset;
    } catch (error) {
      this.options.onError(`could not save the update offset: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
