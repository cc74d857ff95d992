import { Injectable, Logger } from '@nestjs/common';
import type { Connection } from '../gateway/connection/connection';
import type { RpcContext } from '../gateway/rpc/rpc-context';
import { AgentDeliveries } from './agent-deliveries';
import { AgentIdempotencyRepository, AgentIdempotencyScope } from './agent-idempotency.repository';
import { IdSource } from '../../common/ids';
import { AgentErrors } from './agent.errors';
import { AgentRuntime } from './agent.runtime';
import type { AgentRunResult } from './agent.types';
import { RunAgentParams } from './dto/run-agent.params';
import { SendChatParams } from './dto/send-chat.params';
import { DEFAULT_WAIT_MS, WaitAgentParams } from './dto/wait-agent.params';
import type { AgentFinalPayload, ChatSendResult } from '../../common/protocol';

export type { AgentFinalPayload };

interface InFlight {
  runId: string;
  sessionKey: string;
  final: Promise<AgentFinalPayload>;
}

/** The operator methods' logic: two-stage `agent`, `agent.wait`, `chat.send`, `chat.abort`, idempotency. */
@Injectable()
export class AgentRequestsService {
  private readonly logger = new Logger('Agent');
  /** Runs started by a request whose key has no stored outcome yet, by scope and key. */
  private readonly inFlight = new Map<string, InFlight>();

  constructor(
    private readonly runtime: AgentRuntime,
    private readonly idempotency: AgentIdempotencyRepository,
    private readonly deliveries: AgentDeliveries,
    private readonly ids: IdSource,
  ) {}

  /**
   * Acks `{runId, status:"accepted"}` at once and resolves with the final
   * outcome. A repeated key joins the run in flight (same ack, same final) or
   * gets the stored final outcome as its only answer.
   */
  async agent(p: RunAgentParams, ctx: RpcContext): Promise<AgentFinalPayload> {
    const stored = this.idempotency.find<AgentFinalPayload>('agent', p.idempotencyKey);
    if (stored) return stored;
    const running = this.inFlight.get(flightKey('agent', p.idempotencyKey));
    if (running) {
      ctx.ack(accepted(running));
      return running.final;
    }
    const sessionKey = p.sessionKey ?? operatorSessionKey(ctx.connection);
    const runId = this.ids.next();
    ctx.ack(accepted({ runId, sessionKey }));
    const final = this.runtime
      .run({
        sessionKey,
        message: p.message,
        origin: { kind: 'operator', connId: ctx.connection.connId },
        runId,
        timeoutMs: p.timeout,
        extraSystemPrompt: p.extraSystemPrompt,
      })
      .then((result) => this.finish('agent', p.idempotencyKey, result, (payload) => this.deliver(p, result, payload)));
    this.inFlight.set(flightKey('agent', p.idempotencyKey), { runId, sessionKey, final });
    return final;
  }

  async wait(p: WaitAgentParams): Promise<AgentFinalPayload> {
    const run = this.runtime.lookup(p.runId);
    if (!run) throw AgentErrors.unknownRun(p.runId);
    if (run.state === 'finished') return finalPayload(run.result);
    const timeoutMs = p.timeoutMs ?? DEFAULT_WAIT_MS;
    const result = await settledWithin(run.done, timeoutMs);
    if (!result) throw AgentErrors.waitTimedOut(p.runId, timeoutMs);
    return finalPayload(result);
  }

  /** Starts a run and answers at once; the run streams `chat` events. */
  chatSend(p: SendChatParams, ctx: RpcContext): ChatSendResult {
    const stored = this.idempotency.find<AgentFinalPayload>('chat.send', p.idempotencyKey);
    if (stored) return { ...stored };
    const running = this.inFlight.get(flightKey('chat.send', p.idempotencyKey));
    if (running) return { runId: running.runId, sessionKey: running.sessionKey, status: 'in_flight' };
    const runId = this.ids.next();
    const final = this.runtime
      .run({
        sessionKey: p.sessionKey,
        message: p.message,
        origin: { kind: 'operator', connId: ctx.connection.connId },
        runId,
        timeoutMs: p.timeoutMs,
      })
      .then((result) => this.finish('chat.send', p.idempotencyKey, result));
    this.inFlight.set(flightKey('chat.send', p.idempotencyKey), { runId, sessionKey: p.sessionKey, final });
    return { runId, sessionKey: p.sessionKey, status: 'started' };
  }

  chatAbort(sessionKey: string, runId?: string): { aborted: boolean } {
    return { aborted: this.runtime.abort(sessionKey, runId) };
  }

  /** Stores the outcome for repeats (unless the gateway is stopping: then a repeat should run again). Never throws. */
  private finish(
    scope: AgentIdempotencyScope,
    key: string,
    result: AgentRunResult,
    decorate?: (payload: AgentFinalPayload) => void,
  ): AgentFinalPayload {
    const payload = finalPayload(result);
    try {
      decorate?.(payload);
      if (!result.retryable) this.idempotency.save(scope, key, payload);
    } catch (error) {
      this.logger.error(`could not finish ${scope} run ${result.runId}`, (error as Error)?.stack ?? String(error));
    } finally {
      this.inFlight.delete(flightKey(scope, key));
    }
    return payload;
  }

  private deliver(p: RunAgentParams, result: AgentRunResult, payload: AgentFinalPayload): void {
    if (!p.deliver || p.to === undefined) return;
    const target = { ...(p.channel ? { channel: p.channel } : {}), to: p.to };
    if (result.status !== 'ok') {
      payload.delivery = { ...target, status: 'skipped', reason: `the run ended with status ${result.status}` };
      return;
    }
    const handed = this.deliveries.request({
      runId: result.runId,
      sessionKey: result.sessionKey,
      ...target,
      ...(p.accountId ? { accountId: p.accountId } : {}),
      text: result.text,
      idempotencyKey: `agent:${p.idempotencyKey}`,
    });
    payload.delivery = handed
      ? { ...target, status: 'requested' }
      : { ...target, status: 'skipped', reason: 'no channel is available for delivery' };
  }
}

/**
 * An operator's default session: one per device identity, so a CLI keeps its
 * conversation across invocations; clients without an identity share one.
 */
export function operatorSessionKey(connection: Connection): string {
  const deviceId = connection.session?.deviceId;
  return deviceId ? `main:operator:${deviceId}` : 'main:operator:default';
}

export function finalPayload(result: AgentRunResult): AgentFinalPayload {
  return {
    runId: result.runId,
    sessionKey: result.sessionKey,
    status: result.status,
    summary: result.text,
    ...(result.error !== undefined ? { error: result.error } : {}),
    durationMs: result.durationMs,
  };
}

function accepted(run: { runId: string; sessionKey: string }) {
  return { runId: run.runId, sessionKey: run.sessionKey, status: 'accepted' as const };
}

function flightKey(scope: AgentIdempotencyScope, key: string): string {
  return `${scope}\u0000${key}`;
}

/** The promise's value, or undefined if it takes longer than `ms`. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
      timer.unref?.();
    }),
  ]).finally(() => clearTimeout(timer));
}
