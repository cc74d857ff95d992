import type { Connection } from '../gateway/connection/connection';
import type { RpcContext } from '../gateway/rpc/rpc-context';
import { AgentDeliveries, AgentDeliveryRequest } from './agent-deliveries';
import type { AgentIdempotencyRepository } from './agent-idempotency.repository';
import { SequentialIds } from '../../../test/support/sequential-ids';
import { AgentRequestsService, operatorSessionKey } from './agent-requests.service';
import type { AgentRuntime } from './agent.runtime';
import type { AgentRunRequest, AgentRunResult } from './agent.types';
import { RunAgentParams } from './dto/run-agent.params';

class FakeRuntime {
  readonly requests: AgentRunRequest[] = [];
  private readonly finishers = new Map<string, (result: AgentRunResult) => void>();
  run(request: AgentRunRequest): Promise<AgentRunResult> {
    this.requests.push(request);
    return new Promise((resolve) => this.finishers.set(request.runId!, resolve));
  }
  finish(runId: string, outcome: Partial<AgentRunResult> = {}): void {
    const request = this.requests.find((r) => r.runId === runId)!;
    this.finishers.get(runId)!({
      runId,
      sessionKey: request.sessionKey,
      status: 'ok',
      text: 'the answer',
      durationMs: 5,
      ...outcome,
    });
  }
}

class MemoryIdempotency {
  readonly rows = new Map<string, unknown>();
  find<T>(scope: string, key: string): T | undefined {
    return this.rows.get(`${scope}/${key}`) as T | undefined;
  }
  save(scope: string, key: string, outcome: unknown): void {
    if (!this.rows.has(`${scope}/${key}`)) this.rows.set(`${scope}/${key}`, outcome);
  }
}

function context(deviceId?: string): RpcContext & { acks: unknown[] } {
  const acks: unknown[] = [];
  const connection = { connId: 'conn-1', session: { role: 'operator', scopes: [], deviceId } } as unknown as Connection;
  return { connection, ack: (payload) => acks.push(payload), acks };
}

const params = (extra: Partial<RunAgentParams> = {}): RunAgentParams =>
  Object.assign(new RunAgentParams(), { message: 'hi', idempotencyKey: 'k1', ...extra });

function setup() {
  const runtime = new FakeRuntime();
  const idempotency = new MemoryIdempotency();
  const deliveries = new AgentDeliveries();
  const service = new AgentRequestsService(
    runtime as unknown as AgentRuntime,
    idempotency as unknown as AgentIdempotencyRepository,
    deliveries,
    new SequentialIds('run'),
  );
  return { runtime, idempotency, deliveries, service };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(AgentRequestsService.name, () => {
  describe('agent', () => {
    it('acks with the run id, then resolves with the final outcome and stores it', async () => {
      const { service, runtime, idempotency } = setup();
      const ctx = context();
      const final = service.agent(params(), ctx);
      expect(ctx.acks).toEqual([{ runId: 'run-1', sessionKey: 'main:operator:default', status: 'accepted' }]);
      runtime.finish('run-1');
      const payload = { runId: 'run-1', sessionKey: 'main:operator:default', status: 'ok', summary: 'the answer', durationMs: 5 };
      expect(await final).toEqual(payload);
      expect(idempotency.find('agent', 'k1')).toEqual(payload);
    });

    it("runs in the caller's device session by default, or the one given", async () => {
      const { service, runtime } = setup();
      void service.agent(params(), context('dev123'));
      void service.agent(params({ idempotencyKey: 'k2', sessionKey: 'main:webchat:x' }), context('dev123'));
      expect(runtime.requests.map((r) => r.sessionKey)).toEqual(['main:operator:dev123', 'main:webchat:x']);
      expect(runtime.requests[0].origin).toEqual({ kind: 'operator', connId: 'conn-1' });
    });

    it('joins the run in flight for a repeated key: same ack, same final, one run', async () => {
      const { service, runtime } = setup();
      const first = service.agent(params(), context());
      const ctx = context();
      const repeat = service.agent(params(), ctx);
      expect(ctx.acks).toEqual([{ runId: 'run-1', sessionKey: 'main:operator:default', status: 'accepted' }]);
      runtime.finish('run-1');
      expect(await repeat).toEqual(await first);
      expect(runtime.requests).toHaveLength(1);
    });

    it('answers a repeat of a finished request with the stored outcome only, without running again', async () => {
      const { service, runtime } = setup();
      const first = service.agent(params(), context());
      runtime.finish('run-1');
      await first;
      const ctx = context();
      expect(await service.agent(params(), ctx)).toEqual(await first);
      expect(ctx.acks).toEqual([]);
      expect(runtime.requests).toHaveLength(1);
    });

    it('does not store an outcome cut short by a shutdown, so a retry runs again', async () => {
      const { service, runtime, idempotency } = setup();
      const first = service.agent(params(), context());
      runtime.finish('run-1', { status: 'aborted', retryable: true });
      await first;
      expect(idempotency.rows.size).toBe(0);
      void service.agent(params(), context());
      expect(runtime.requests).toHaveLength(2);
    });

    it('hands a successful answer to the channels module when asked to deliver', async () => {
      const { service, runtime, deliveries } = setup();
      const delivered: AgentDeliveryRequest[] = [];
      deliveries.requests$.subscribe((request) => delivered.push(request));
      const final = service.agent(params({ deliver: true, channel: 'telegram', to: '42' }), context());
      runtime.finish('run-1');
      expect((await final).delivery).toEqual({ channel: 'telegram', to: '42', status: 'requested' });
      expect(delivered).toEqual([
        {
          runId: 'run-1',
          sessionKey: 'main:operator:default',
          channel: 'telegram',
          to: '42',
          text: 'the answer',
          idempotencyKey: 'agent:k1',
        },
      ]);
    });

    it('says so when no channel module takes deliveries, or the run failed', async () => {
      const { service, runtime } = setup();
      const unheard = service.agent(params({ deliver: true, to: '42' }), context());
      runtime.finish('run-1');
      expect((await unheard).delivery).toEqual({ to: '42', status: 'skipped', reason: 'no channel is available for delivery' });
      const failed = service.agent(params({ idempotencyKey: 'k2', deliver: true, to: '42' }), context());
      runtime.finish('run-2', { status: 'error', text: 'Sorry' });
      expect((await failed).delivery).toMatchObject({ status: 'skipped', reason: 'the run ended with status error' });
    });
  });

  describe('chatSend', () => {
    it('answers started at once; a repeat answers in_flight, then the stored outcome', async () => {
      const { service, runtime } = setup();
      const p = { sessionKey: 'main:webchat:a', message: 'hi', idempotencyKey: 'c1' };
      expect(service.chatSend(p, context())).toEqual({ runId: 'run-1', sessionKey: 'main:webchat:a', status: 'started' });
      expect(service.chatSend(p, context())).toEqual({ runId: 'run-1', sessionKey: 'main:webchat:a', status: 'in_flight' });
      runtime.finish('run-1');
      await flush();
      expect(service.chatSend(p, context())).toMatchObject({ runId: 'run-1', status: 'ok', summary: 'the answer' });
      expect(runtime.requests).toHaveLength(1);
    });
  });

  describe(operatorSessionKey.name, () => {
    it('uses the device id, else a shared default', () => {
      expect(operatorSessionKey(context('abc').connection)).toBe('main:operator:abc');
      expect(operatorSessionKey(context().connection)).toBe('main:operator:default');
    });
  });
});
