/** A turn granted by the scheduler; release it exactly once when the run is over. */
export interface RunSlot {
  release(): void;
}

interface Waiter {
  key: string;
  granted: boolean;
  resolve(slot: RunSlot): void;
  reject(reason: unknown): void;
  detach?(): void;
}

/**
 * Decides when a run may start: one run at a time per session key, in
 * arrival order, and at most `maxConcurrent` runs overall. A session's next
 * run joins the global queue only when it becomes the session's head, so a
 * busy session never holds more than one global slot or blocks others.
 */
export class RunScheduler {
  /** Per session: the head is running (or waiting for a global slot), the rest wait their turn. */
  private readonly sessions = new Map<string, Waiter[]>();
  /** Session heads waiting for a global slot, oldest first. */
  private readonly ready: Waiter[] = [];
  private running = 0;

  constructor(private maxConcurrent: number) {}

  /** A new agent.maxConcurrent (hot reload): more room starts waiting runs now; less lets running ones finish. */
  setLimit(maxConcurrent: number): void {
    this.maxConcurrent = maxConcurrent;
    this.pump();
  }

  get active(): number {
    return this.running;
  }

  get waiting(): number {
    let count = 0;
    for (const queue of this.sessions.values()) count += queue.filter((w) => !w.granted).length;
    return count;
  }

  /** Resolves with a slot when it is this run's turn; rejects with the signal's reason if aborted first. */
  acquire(key: string, signal?: AbortSignal): Promise<RunSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<RunSlot>((resolve, reject) => {
      const waiter: Waiter = { key, granted: false, resolve, reject };
      if (signal) {
        const onAbort = () => this.cancel(waiter, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.detach = () => signal.removeEventListener('abort', onAbort);
      }
      const queue = this.sessions.get(key);
      if (queue) {
        queue.push(waiter);
        return;
      }
      this.sessions.set(key, [waiter]);
      this.ready.push(waiter);
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.ready.length > 0) {
      const waiter = this.ready.shift()!;
      waiter.granted = true;
      waiter.detach?.();
      this.running++;
      let released = false;
      waiter.resolve({
        release: () => {
          if (released) return;
          released = true;
          this.running--;
          this.leave(waiter);
        },
      });
    }
  }

  /** Removes a waiter (finished or cancelled) from its session; the next one in that session becomes ready. */
  private leave(waiter: Waiter): void {
    const queue = this.sessions.get(waiter.key);
    if (queue) {
      const wasHead = queue[0] === waiter;
      const index = queue.indexOf(waiter);
      if (index !== -1) queue.splice(index, 1);
      if (queue.length === 0) this.sessions.delete(waiter.key);
      else if (wasHead) this.ready.push(queue[0]);
    }
    this.pump();
  }

  private cancel(waiter: Waiter, reason: unknown): void {
    if (waiter.granted) return;
    const index = this.ready.indexOf(waiter);
    if (index !== -1) this.ready.splice(index, 1);
    this.leave(waiter);
    waiter.reject(reason);
  }
}
