import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Subject } from 'rxjs';
import { Clock } from '../../common/clock';
import { GatewayRuntime } from '../config/gateway-runtime';
import { SessionsService } from '../sessions/sessions.service';
import type { SessionInfo, TranscriptEntry } from '../sessions/sessions.types';
import { IdSource } from '../../common/ids';
import type { AgentRunRequest, AgentRunResult, AgentStreamEvent } from './agent.types';
import { ProviderFailure, type HistoryTurn, type ProviderTurn } from './providers/agent-provider';
import { AgentProviders } from './providers/agent-providers';
import { RunScheduler, type RunSlot } from './run-scheduler';

/** Finished runs kept for agent.wait; the oldest are forgotten first. */
export const FINISHED_RUNS_KEPT = 1_000;
/** How long shutdown waits for aborted runs to settle. */
const SHUTDOWN_WAIT_MS = 1_000;

type StopReason = 'timeout' | 'aborted' | 'shutdown';

interface ActiveRun {
  runId: string;
  sessionKey: string;
  admittedAtMs: number;
  timeoutMs: number;
  controller: AbortController;
  stopReason?: StopReason;
  seq: number;
  finished: boolean;
  done?: Promise<AgentRunResult>;
  detachSignal?: () => void;
}

type Outcome = Pick<AgentRunResult, 'status' | 'text' | 'error' | 'retryable' | 'images'>;

/** Where a run stands, for agent.wait. */
export type RunLookup = { state: 'finished'; result: AgentRunResult } | { state: 'active'; done: Promise<AgentRunResult> };

const APOLOGY = 'Sorry, something went wrong on my side while answering. Please try again.';

/**
 * The one entry point for running the agent, for channels and operators
 * alike. Runs of one session go one at a time in arrival order; runs of
 * different sessions run side by side up to agent.maxConcurrent. Each run
 * has a timeout (counted from when it starts, not while it waits its turn)
 * and can be aborted. run() never rejects: every failure is a result with a
 * short apology in `text` and the reason in `error`.
 */
@Injectable()
export class AgentRuntime implements OnModuleDestroy {
  /** Streamed pieces of every run, in order per run; subscribers must not throw. */
  readonly events$ = new Subject<AgentStreamEvent>();
  private readonly results = new Subject<AgentRunResult>();
  /** Every finished run's result, after its lifecycle end event. */
  readonly results$ = this.results.asObservable();

  private readonly logger = new Logger('Agent');
  private readonly scheduler: RunScheduler;
  private readonly active = new Map<string, ActiveRun>();
  private readonly finished = new Map<string, AgentRunResult>();
  private stopping = false;

  constructor(
    private readonly gateway: GatewayRuntime,
    private readonly sessions: SessionsService,
    private readonly providers: AgentProviders,
    private readonly clock: Clock,
    private readonly ids: IdSource,
  ) {
    this.scheduler = new RunScheduler(gateway.config.agent.maxConcurrent);
    // Everything else in agent.* is read when a run starts; only the scheduler keeps a copy.
    gateway.onConfigChange(({ current }) => this.scheduler.setLimit(current.agent.maxConcurrent));
  }

  /** True once the gateway began stopping: new runs are refused with a retryable result. */
  get isStopping(): boolean {
    return this.stopping;
  }

  run(request: AgentRunRequest): Promise<AgentRunResult> {
    const runId = request.runId ?? this.ids.next();
    const refused = this.refusal(runId);
    if (refused) return Promise.resolve({ runId, sessionKey: request.sessionKey, durationMs: 0, ...refused });

    const run: ActiveRun = {
      runId,
      sessionKey: request.sessionKey,
      admittedAtMs: this.clock.now(),
      timeoutMs: request.timeoutMs ?? this.gateway.config.agent.timeoutMs,
      controller: new AbortController(),
      seq: 0,
      finished: false,
    };
    // Registered before the first await, so abort() and agent.wait find the run at once.
    this.active.set(runId, run);
    this.logger.log(`run ${runId} in ${request.sessionKey} started`);
    const external = request.signal;
    if (external) {
      const onAbort = () => this.stop(run, 'aborted');
      if (external.aborted) onAbort();
      else {
        external.addEventListener('abort', onAbort, { once: true });
        run.detachSignal = () => external.removeEventListener('abort', onAbort);
      }
    }
    run.done = this.execute(run, request).then(
      (outcome) => this.settle(run, outcome),
      (error: unknown) => this.settle(run, this.unexpected(run, error)),
    );
    return run.done;
  }

  /** Aborts the session's runs (running and queued), or only `runId` when given; true when one was stopped. */
  abort(sessionKey: string, runId?: string): boolean {
    let stopped = false;
    for (const run of [...this.active.values()]) {
      if (run.sessionKey !== sessionKey || (runId !== undefined && run.runId !== runId)) continue;
      stopped = this.stop(run, 'aborted') || stopped;
    }
    return stopped;
  }

  /** A run that is active or finished recently, or undefined. */
  lookup(runId: string): RunLookup | undefined {
    const run = this.active.get(runId);
    if (run?.done) return { state: 'active', done: run.done };
    const result = this.finished.get(runId);
    return result ? { state: 'finished', result } : undefined;
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    const pending = [...this.active.values()].map((run) => {
      this.stop(run, 'shutdown');
      return run.done;
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(pending),
      new Promise((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
        timer.unref?.();
      }),
    ]);
    clearTimeout(timer);
  }

  private refusal(runId: string): Outcome | undefined {
    if (this.stopping) {
      return {
        status: 'aborted',
        text: 'The gateway is restarting; please send that again in a moment.',
        error: 'gateway shutting down',
        retryable: true,
      };
    }
    if (this.active.has(runId) || this.finished.has(runId)) {
      this.logger.error(`refused a run with the id ${runId}: that id is already in use`);
      return { status: 'error', text: APOLOGY, error: `run id ${runId} is already in use` };
    }
    return undefined;
  }

  private async execute(run: ActiveRun, request: AgentRunRequest): Promise<Outcome> {
    let slot: RunSlot;
    try {
      slot = await this.scheduler.acquire(run.sessionKey, run.controller.signal);
    } catch {
      return this.stopped(run);
    }
    const timer = setTimeout(() => this.stop(run, 'timeout'), run.timeoutMs);
    timer.unref?.();
    try {
      const provider = this.providers.for(request.message);
      this.emit(run, 'lifecycle', { phase: 'start', provider: provider.name });
      const prepared = this.record(run, request);
      if (prepared.replay !== undefined) {
        this.emit(run, 'assistant', { text: prepared.replay, replayed: true });
        return { status: 'ok', text: prepared.replay };
      }
      const turn: ProviderTurn = {
        runId: run.runId,
        sessionKey: run.sessionKey,
        message: request.message,
        history: prepared.history,
        signal: run.controller.signal,
        timeoutMs: run.timeoutMs,
        extraSystemPrompt: request.extraSystemPrompt,
        model: prepared.model,
        emit: (stream, data) => this.emit(run, stream, data),
      };
      const reply = await untilAborted(provider.reply(turn), run.controller.signal);
      const text = reply.text.trim() || '(no answer)';
      this.sessions.append(run.sessionKey, { role: 'assistant', content: text, runId: run.runId });
      this.emit(run, 'assistant', { text });
      return { status: 'ok', text, ...(reply.images?.length ? { images: reply.images } : {}) };
    } catch (error) {
      if (run.controller.signal.aborted) return this.stopped(run);
      if (error instanceof ProviderFailure) {
        this.logger.warn(`run ${run.runId} in ${run.sessionKey}: ${error.logText}`);
        return { status: error.status, text: error.userText, error: error.logText };
      }
      return this.unexpected(run, error);
    } finally {
      clearTimeout(timer);
      slot.release();
    }
  }

  /**
   * Records the user's message and reads the history before it. A message
   * whose sourceRef was recorded before (a redelivery) is not stored again;
   * if the transcript also holds the answer to it, that answer is replayed,
   * else the message runs again (the first run may have died with the gateway).
   */
  private record(run: ActiveRun, request: AgentRunRequest): { history: HistoryTurn[]; replay?: string; model?: string } {
    const { model } = this.sessions.ensure(run.sessionKey, sessionInfo(request));
    const earlier = this.sessions.history(run.sessionKey);
    const stored = this.sessions.append(run.sessionKey, {
      role: 'user',
      content: request.message,
      runId: run.runId,
      sourceRef: request.sourceRef,
    });
    if (stored || request.sourceRef === undefined) return { history: toHistory(earlier), model };
    const first = earlier.find((entry) => entry.sourceRef === request.sourceRef);
    const answer = first?.runId ? earlier.find((entry) => entry.role === 'assistant' && entry.runId === first.runId) : undefined;
    if (answer) return { history: [], replay: answer.content };
    return { history: toHistory(earlier.filter((entry) => entry.sourceRef !== request.sourceRef)), model };
  }

  private stop(run: ActiveRun, reason: StopReason): boolean {
    if (run.finished || run.controller.signal.aborted) return false;
    run.stopReason = reason;
    run.controller.abort(new Error(`run ${reason}`));
    return true;
  }

  private stopped(run: ActiveRun): Outcome {
    switch (run.stopReason) {
      case 'timeout':
        return {
          status: 'timeout',
          text: `Sorry, that took too long, so I stopped after ${Math.round(run.timeoutMs / 1000)} s. Please try again.`,
          error: `timed out after ${run.timeoutMs} ms`,
        };
      case 'shutdown':
        return {
          status: 'aborted',
          text: 'The gateway is restarting; please send that again in a moment.',
          error: 'gateway shutting down',
          retryable: true,
        };
      default:
        return { status: 'aborted', text: 'Stopped.', error: 'aborted' };
    }
  }

  private unexpected(run: ActiveRun, error: unknown): Outcome {
    this.logger.error(`run ${run.runId} in ${run.sessionKey} failed`, (error as Error)?.stack ?? String(error));
    return { status: 'error', text: APOLOGY, error: 'internal error; see the gateway log' };
  }

  private settle(run: ActiveRun, outcome: Outcome): AgentRunResult {
    const result: AgentRunResult = {
      runId: run.runId,
      sessionKey: run.sessionKey,
      status: outcome.status,
      text: outcome.text,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      durationMs: this.clock.now() - run.admittedAtMs,
      ...(outcome.retryable ? { retryable: true } : {}),
      ...(outcome.images ? { images: outcome.images } : {}),
    };
    this.emit(run, 'lifecycle', {
      phase: 'end',
      status: result.status,
      durationMs: result.durationMs,
      ...(result.error ? { error: result.error } : {}),
    });
    this.logger.log(`run ${run.runId} in ${run.sessionKey} ended ${result.status} after ${result.durationMs} ms`);
    run.finished = true;
    run.detachSignal?.();
    this.active.delete(run.runId);
    this.finished.set(run.runId, result);
    if (this.finished.size > FINISHED_RUNS_KEPT) this.finished.delete(this.finished.keys().next().value!);
    this.results.next(result);
    return result;
  }

  private emit(run: ActiveRun, stream: AgentStreamEvent['stream'], data: Record<string, unknown>): void {
    // A provider that ignored the abort may still call back; its run is over.
    if (run.finished) return;
    this.events$.next({ runId: run.runId, sessionKey: run.sessionKey, seq: ++run.seq, stream, ts: this.clock.now(), data });
  }
}

function sessionInfo(request: AgentRunRequest): SessionInfo {
  const origin = request.origin;
  if (origin.kind === 'channel') {
    return { channel: origin.channel, chatId: origin.chatId, peerId: origin.senderId, displayName: origin.senderName };
  }
  // Operator sessions are named main:<surface>:<id> (main:operator:…, main:webchat:…).
  const [prefix, surface] = request.sessionKey.split(':');
  return { channel: prefix === 'main' && surface ? surface : 'operator' };
}

function toHistory(entries: TranscriptEntry[]): HistoryTurn[] {
  return entries
    .filter(
      (entry): entry is TranscriptEntry & { role: 'user' | 'assistant' } => entry.role === 'user' || entry.role === 'assistant',
    )
    .map((entry) => ({ role: entry.role, content: entry.content }));
}

/** Settles with the promise, or rejects as soon as the signal aborts; the promise's late outcome is dropped. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
