import { Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { GatewayRuntime } from '../config/gateway-runtime';
import type { SessionsService } from '../sessions/sessions.service';
import type { NewTranscriptEntry, TranscriptEntry } from '../sessions/sessions.types';
import { SequentialIds } from '../../../test/support/sequential-ids';
import { AgentRuntime } from './agent.runtime';
import type { AgentRunRequest, AgentRunResult, AgentStreamEvent } from './agent.types';
import { AgentProvider, ProviderFailure, ProviderReply, ProviderTurn } from './providers/agent-provider';
import type { AgentProviders } from './providers/agent-providers';

/** Transcripts in memory, with the sourceRef rule of the real repository. */
class InMemorySessions {
  readonly entries: TranscriptEntry[] = [];
  private nextId = 1;
  ensure(sessionKey: string) {
    return { sessionKey, channel: 'test', generation: 1, createdAtMs: 0, updatedAtMs: 0 };
  }
  append(sessionKey: string, entry: NewTranscriptEntry): TranscriptEntry | undefined {
    if (entry.sourceRef && this.entries.some((e) => e.sessionKey === sessionKey && e.sourceRef === entry.sourceRef))
      return undefined;
    const stored = { id: this.nextId++, sessionKey, generation: 1, createdAtMs: 0, ...entry };
    this.entries.push(stored);
    return stored;
  }
  history(sessionKey: string): TranscriptEntry[] {
    return this.entries.filter((e) => e.sessionKey === sessionKey);
  }
}

/** A provider whose answers the test releases one by one. */
class ScriptedProvider implements AgentProvider {
  readonly name = 'scripted';
  readonly turns: ProviderTurn[] = [];
  private readonly pending: Array<{ resolve(reply: ProviderReply): void; reject(error: unknown): void }> = [];

  reply(turn: ProviderTurn): Promise<ProviderReply> {
    this.turns.push(turn);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }

  answer(index: number, text: string): void {
    this.pending[index].resolve({ text });
  }

  fail(index: number, error: unknown): void {
    this.pending[index].reject(error);
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function setup(agent: Partial<{ timeoutMs: number; maxConcurrent: number }> = {}) {
  const sessions = new InMemorySessions();
  const provider = new ScriptedProvider();
  const gateway = {
    config: { agent: { timeoutMs: 5_000, maxConcurrent: 4, historyLimit: 50, ...agent } },
    onConfigChange: () => () => undefined,
  } as unknown as GatewayRuntime;
  const providers = { for: () => provider } as unknown as AgentProviders;
  const runtime = new AgentRuntime(
    gateway,
    sessions as unknown as SessionsService,
    providers,
    new Clock(),
    new SequentialIds('run'),
  );
  const events: AgentStreamEvent[] = [];
  runtime.events$.subscribe((event) => events.push(event));
  const request = (sessionKey: string, message: string, extra: Partial<AgentRunRequest> = {}): AgentRunRequest => ({
    sessionKey,
    message,
    origin: { kind: 'operator' },
    ...extra,
  });
  return { runtime, sessions, provider, events, request };
}

describe(AgentRuntime.name, () => {
  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  describe('run', () => {
    it('records the message and the answer, and streams start, assistant text and end', async () => {
      // Arrange
      const { runtime, sessions, provider, events, request } = setup();
      // Act
      const done = runtime.run(request('s1', 'hello'));
      await flush();
      provider.answer(0, 'hi there');
      const result = await done;
      // Assert
      expect(result).toEqual({
        runId: 'run-1',
        sessionKey: 's1',
        status: 'ok',
        text: 'hi there',
        durationMs: expect.any(Number),
      });
      expect(sessions.entries.map((e) => [e.role, e.content, e.runId])).toEqual([
        ['user', 'hello', 'run-1'],
        ['assistant', 'hi there', 'run-1'],
      ]);
      expect(events.map((e) => [e.seq, e.stream, e.data.phase ?? e.data.text])).toEqual([
        [1, 'lifecycle', 'start'],
        [2, 'assistant', 'hi there'],
        [3, 'lifecycle', 'end'],
      ]);
    });

    it('uses the runId the caller chose', async () => {
      const { runtime, provider, request } = setup();
      const done = runtime.run(request('s1', 'x', { runId: 'mine' }));
      await flush();
      provider.answer(0, 'ok');
      expect((await done).runId).toBe('mine');
    });

    it('passes the earlier turns as history, without the current message', async () => {
      const { runtime, provider, request } = setup();
      const first = runtime.run(request('s1', 'one'));
      await flush();
      provider.answer(0, 'first answer');
      await first;
      void runtime.run(request('s1', 'two'));
      await flush();
      expect(provider.turns[1].history).toEqual([
        { role: 'user', content: 'one' },
        { role: 'assistant', content: 'first answer' },
      ]);
      expect(provider.turns[1].message).toBe('two');
    });

    it('serializes runs of one session: the second starts only after the first ended', async () => {
      const { runtime, provider, sessions, request } = setup();
      const first = runtime.run(request('s1', 'one'));
      const second = runtime.run(request('s1', 'two'));
      await flush();
      expect(provider.turns.map((t) => t.message)).toEqual(['one']);
      // The queued message is recorded only when its turn comes, so the transcript stays in order.
      expect(sessions.entries.map((e) => e.content)).toEqual(['one']);

      provider.answer(0, 'answer one');
      await first;
      await flush();
      expect(provider.turns.map((t) => t.message)).toEqual(['one', 'two']);
      provider.answer(1, 'answer two');
      await second;
      expect(sessions.entries.map((e) => e.content)).toEqual(['one', 'answer one', 'two', 'answer two']);
    });

    it('runs different sessions concurrently up to maxConcurrent; the rest wait', async () => {
      const { runtime, provider, request } = setup({ maxConcurrent: 2 });
      const runs = ['a', 'b', 'c'].map((key) => runtime.run(request(key, `to ${key}`)));
      await flush();
      expect(provider.turns.map((t) => t.sessionKey)).toEqual(['a', 'b']);
      provider.answer(1, 'done b');
      await runs[1];
      await flush();
      expect(provider.turns.map((t) => t.sessionKey)).toEqual(['a', 'b', 'c']);
      provider.answer(0, 'done a');
      provider.answer(2, 'done c');
      expect((await Promise.all(runs)).map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    });

    it('times out a run that takes too long, with an apology, and frees its slot', async () => {
      const { runtime, provider, sessions, request } = setup({ maxConcurrent: 1 });
      const slow = runtime.run(request('s1', 'slow', { timeoutMs: 30 }));
      const next = runtime.run(request('s2', 'next'));
      const result = await slow;
      expect(result).toMatchObject({ status: 'timeout', error: 'timed out after 30 ms' });
      expect(result.text).toMatch(/^Sorry, that took too long/);
      // The late answer is dropped: nothing is recorded for the timed-out run.
      provider.answer(0, 'too late');
      await flush();
      expect(sessions.entries.filter((e) => e.role === 'assistant')).toEqual([]);
      expect(provider.turns.map((t) => t.message)).toEqual(['slow', 'next']);
      provider.answer(1, 'fine');
      expect((await next).status).toBe('ok');
    });

    it('counts the timeout from the start of the run, not while it waits its turn', async () => {
      const { runtime, provider, request } = setup();
      const first = runtime.run(request('s1', 'one'));
      const second = runtime.run(request('s1', 'two', { timeoutMs: 40 }));
      await new Promise((resolve) => setTimeout(resolve, 80));
      provider.answer(0, 'one done');
      await first;
      await flush();
      provider.answer(1, 'two done');
      expect((await second).status).toBe('ok');
    });

    it('aborts the running run of a session', async () => {
      const { runtime, provider, events, request } = setup();
      const done = runtime.run(request('s1', 'long'));
      await flush();
      expect(provider.turns[0].signal.aborted).toBe(false);
      expect(runtime.abort('s1')).toBe(true);
      const result = await done;
      expect(result).toMatchObject({ status: 'aborted', text: 'Stopped.', error: 'aborted' });
      expect(provider.turns[0].signal.aborted).toBe(true);
      expect(events.at(-1)).toMatchObject({ stream: 'lifecycle', data: { phase: 'end', status: 'aborted' } });
    });

    it('aborts only the named run, including one still waiting in the queue', async () => {
      const { runtime, provider, sessions, request } = setup();
      const first = runtime.run(request('s1', 'one'));
      const queued = runtime.run(request('s1', 'two'));
      await flush();
      expect(runtime.abort('s1', 'run-2')).toBe(true);
      expect((await queued).status).toBe('aborted');
      provider.answer(0, 'one done');
      expect((await first).status).toBe('ok');
      // The aborted message never ran and was never recorded.
      expect(provider.turns).toHaveLength(1);
      expect(sessions.entries.map((e) => e.content)).toEqual(['one', 'one done']);
    });

    it('answers false when nothing matched', () => {
      const { runtime } = setup();
      expect(runtime.abort('nobody')).toBe(false);
    });

    it("follows the caller's abort signal", async () => {
      const { runtime, request } = setup();
      const controller = new AbortController();
      const done = runtime.run(request('s1', 'x', { signal: controller.signal }));
      await flush();
      controller.abort();
      expect((await done).status).toBe('aborted');
    });

    it('turns a provider failure into its apology and a logged reason', async () => {
      const { runtime, provider, request } = setup();
      const done = runtime.run(request('s1', 'x'));
      await flush();
      provider.fail(0, new ProviderFailure('error', 'Sorry, the model is down.', 'the model endpoint answered HTTP 500'));
      expect(await done).toMatchObject({
        status: 'error',
        text: 'Sorry, the model is down.',
        error: 'the model endpoint answered HTTP 500',
      });
    });

    it('never rejects: an unexpected error becomes a generic apology without internals', async () => {
      const { runtime, provider, request } = setup();
      const done = runtime.run(request('s1', 'x'));
      await flush();
      provider.fail(0, new Error('ENOENT /var/lib/secret'));
      const result = await done;
      expect(result.status).toBe('error');
      expect(result.text).not.toContain('/var/lib');
      expect(result.error).toBe('internal error; see the gateway log');
    });

    it('never rejects when recording fails', async () => {
      const { runtime, sessions, request } = setup();
      jest.spyOn(sessions, 'append').mockImplementation(() => {
        throw new Error('disk full');
      });
      expect((await runtime.run(request('s1', 'x'))).status).toBe('error');
    });

    it('stores a redelivered message once and runs it again when no answer was recorded', async () => {
      const { runtime, provider, sessions, request } = setup();
      sessions.append('s1', { role: 'user', content: 'ping', runId: 'dead-run', sourceRef: 'tg:42' });
      const done = runtime.run(request('s1', 'ping', { sourceRef: 'tg:42' }));
      await flush();
      // The model sees the message once, as the current one.
      expect(provider.turns[0].history).toEqual([]);
      provider.answer(0, 'pong');
      expect((await done).text).toBe('pong');
      expect(sessions.entries.filter((e) => e.role === 'user')).toHaveLength(1);
    });

    it('replays the recorded answer to a redelivered message instead of running it again', async () => {
      const { runtime, provider, sessions, request } = setup();
      sessions.append('s1', { role: 'user', content: 'ping', runId: 'old', sourceRef: 'tg:42' });
      sessions.append('s1', { role: 'assistant', content: 'pong', runId: 'old' });
      const result = await runtime.run(request('s1', 'ping', { sourceRef: 'tg:42' }));
      expect(result).toMatchObject({ status: 'ok', text: 'pong' });
      expect(provider.turns).toHaveLength(0);
      expect(sessions.entries).toHaveLength(2);
    });

    it('drops events a provider emits after its run ended', async () => {
      const { runtime, provider, events, request } = setup();
      const done = runtime.run(request('s1', 'x', { timeoutMs: 20 }));
      await done;
      const count = events.length;
      provider.turns[0].emit('assistant', { text: 'late' });
      expect(events).toHaveLength(count);
    });

    it('refuses a run id that is already in use', async () => {
      const { runtime, request } = setup();
      void runtime.run(request('s1', 'x', { runId: 'same' }));
      const duplicate = await runtime.run(request('s2', 'y', { runId: 'same' }));
      expect(duplicate.status).toBe('error');
    });
  });

  describe('lookup', () => {
    it('finds active runs, then their results', async () => {
      const { runtime, provider, request } = setup();
      const done = runtime.run(request('s1', 'x'));
      const active = runtime.lookup('run-1');
      expect(active?.state).toBe('active');
      await flush();
      provider.answer(0, 'y');
      const result: AgentRunResult = await done;
      expect(runtime.lookup('run-1')).toEqual({ state: 'finished', result });
      expect(runtime.lookup('nope')).toBeUndefined();
    });
  });

  describe('onModuleDestroy', () => {
    it('aborts every run with a retryable result and refuses new ones', async () => {
      const { runtime, request } = setup({ maxConcurrent: 1 });
      const running = runtime.run(request('s1', 'x'));
      const queued = runtime.run(request('s2', 'y'));
      await flush();
      await runtime.onModuleDestroy();
      expect(await running).toMatchObject({ status: 'aborted', retryable: true });
      expect(await queued).toMatchObject({ status: 'aborted', retryable: true });
      expect(await runtime.run(request('s3', 'z'))).toMatchObject({ status: 'aborted', retryable: true });
    });
  });
});
