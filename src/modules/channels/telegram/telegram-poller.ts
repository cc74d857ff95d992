import { BackoffOptions, backoffDelay } from '../../../common/client/backoff';
import { abortableSleep } from './abortable-sleep';
import type { TelegramClient } from './telegram.client';
import { TelegramApiError } from './telegram.client';
import type { TelegramIntake } from './telegram-intake';

/** Telegram holds a long poll open this long when there is nothing to deliver. */
export const POLL_TIMEOUT_SECONDS = 25;
export const POLL_BACKOFF: BackoffOptions = { initialDelayMs: 1_000, maxDelayMs: 60_000 };

export interface PollerEvents {
  polled(): void;
  failed(error: TelegramApiError): void;
}

/**
 * Our own getUpdates loop rather than grammY's: each poll asks for
 * intake.nextOffset, which moves only past updates already stored in the
 * inbox, so asking Telegram for the next batch never confirms an update we
 * could still lose.
 */
export class TelegramPoller {
  private abort?: AbortController;
  private loop?: Promise<void>;

  constructor(
    private readonly client: TelegramClient,
    private readonly intake: TelegramIntake,
    private readonly events: PollerEvents,
    private readonly options: { timeoutSeconds?: number; sleep?: typeof abortableSleep } = {},
  ) {}

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const sleep = this.options.sleep ?? abortableSleep;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const updates = await this.client.getUpdates(
          this.intake.nextOffset,
          this.options.timeoutSeconds ?? POLL_TIMEOUT_SECONDS,
          signal,
        );
        failures = 0;
        this.events.polled();
        for (const update of updates) this.intake.accept(update);
      } catch (error) {
        if (signal.aborted) break;
        const failure =
          error instanceof TelegramApiError
            ? error
            : new TelegramApiError(
                'getUpdates',
                'transient',
                `telegram updates could not be stored: ${error instanceof Error ? error.message : String(error)}`,
              );
        this.events.failed(failure);
        const wait = failure.kind === 'rate-limited' ? (failure.retryAfterMs ?? 1_000) : backoffDelay(failures++, POLL_BACKOFF);
        await sleep(wait, signal);
      }
    }
  }
}
