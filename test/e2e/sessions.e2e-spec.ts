import { randomUUID } from 'node:crypto';
import { FakeOpenAi, reply } from '../support/fake-openai';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

interface Entry {
  sessionKey: string;
  sessionId: string;
  label?: string;
  model?: string;
  generation: number;
}

/** Sessions and models over the wire, with the agent on a real (fake) OpenAI-compatible endpoint. */
describe('sessions and models', () => {
  const API_KEY = 'sessions-test-api-key';
  let fake: FakeOpenAi;
  let app: TestApp;
  let admin: WsTestClient;
  let reader: WsTestClient;

  const call = async <T>(client: WsTestClient, method: string, params: object): Promise<T> => {
    const res = await client.request(method, params);
    if (!res.ok) throw new Error(`${method} failed: ${JSON.stringify(res.error)}`);
    return res.payload as T;
  };
  /** One chat turn, answered by the fake; resolves when the run is final. */
  const chat = async (sessionKey: string, message: string) => {
    const started = await call<{ runId: string }>(admin, 'chat.send', { sessionKey, message, idempotencyKey: randomUUID() });
    for (;;) {
      const event = await admin.nextEvent('chat', 10_000);
      const payload = event.payload as { runId: string; state: string };
      if (payload.runId === started.runId && payload.state !== 'delta') return payload;
    }
  };

  beforeAll(async () => {
    fake = await FakeOpenAi.start();
    fake.respondWith((request) => reply.text(`answer from ${request.body.model}`));
    app = await createTestApp({
      config: { agent: { provider: 'openai', baseUrl: fake.baseUrl, apiKey: API_KEY, model: 'fake-small' } },
    });
    admin = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    reader = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.read'] });
  });
  afterAll(async () => {
    await admin?.close();
    await reader?.close();
    await app?.close();
    await fake?.close();
  });

  describe('models.list', () => {
    it('lists the endpoint models with the key, then answers from its cache until asked to refresh', async () => {
      const first = await call<{ models: unknown[] }>(reader, 'models.list', {});
      expect(first.models).toEqual([
        { id: 'fake-large', name: 'fake-large', provider: 'openai' },
        { id: 'fake-small', name: 'fake-small', provider: 'openai' },
      ]);
      expect(fake.modelRequests).toEqual([{ authorization: `Bearer ${API_KEY}` }]);

      await call(reader, 'models.list', {});
      expect(fake.modelRequests).toHaveLength(1);

      fake.models = ['fake-large', 'fake-small', 'fake-new'];
      const refreshed = await call<{ models: Array<{ id: string }> }>(reader, 'models.list', { refresh: true });
      expect(refreshed.models.map((m) => m.id)).toContain('fake-new');
      expect(fake.modelRequests).toHaveLength(2);
    });

    it('serves the last good list when the endpoint fails a refresh', async () => {
      fake.modelsReply = reply.status(500);
      try {
        const stale = await call<{ models: Array<{ id: string }> }>(reader, 'models.list', { refresh: true });
        expect(stale.models.map((m) => m.id)).toContain('fake-large');
      } finally {
        fake.modelsReply = undefined;
      }
    });

    it("accepts the current reference's params and refuses unknown ones", async () => {
      await call(reader, 'models.list', { includeDetails: true, view: 'all', provider: 'openai' });
      const res = await reader.request('models.list', { bogus: 1 });
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('bogus') });
    });
  });

  describe('sessions.*', () => {
    const key = 'main:webchat:kitchen';

    beforeAll(async () => {
      await chat(key, 'hello there');
    });

    it('previews the newest turns, cut to maxChars, and says which keys are missing', async () => {
      const result = await call<{ ts: number; previews: unknown[] }>(reader, 'sessions.preview', {
        keys: [key, 'main:webchat:nobody'],
        maxChars: 20,
      });
      expect(result.previews).toEqual([
        {
          key,
          status: 'ok',
          items: [
            { role: 'user', text: 'hello there' },
            { role: 'assistant', text: 'answer from fake-sm…' },
          ],
        },
        { key: 'main:webchat:nobody', status: 'missing', items: [] },
      ]);
    });

    it('patches label and model; the next run uses the session model', async () => {
      const patched = await call<{ ok: true; key: string; entry: Entry }>(admin, 'sessions.patch', {
        key,
        label: '  Kitchen tablet ',
        model: 'fake-large',
      });
      expect(patched).toMatchObject({ ok: true, key, entry: { label: 'Kitchen tablet', model: 'fake-large' } });

      const before = fake.requests.length;
      await chat(key, 'which model?');
      expect(fake.requests[before].body.model).toBe('fake-large');

      const { sessions } = await call<{ sessions: Array<{ sessionKey: string; label?: string; model?: string }> }>(
        reader,
        'sessions.list',
        {},
      );
      expect(sessions.find((s) => s.sessionKey === key)).toMatchObject({ label: 'Kitchen tablet', model: 'fake-large' });
    });

    it('refuses a model the endpoint does not list, and changes nothing', async () => {
      const res = await admin.request('sessions.patch', { key, label: 'other', model: 'gpt-imaginary' });
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('nestclaw models list') });
      const { sessions } = await call<{ sessions: Array<{ sessionKey: string; label?: string }> }>(reader, 'sessions.list', {});
      expect(sessions.find((s) => s.sessionKey === key)?.label).toBe('Kitchen tablet');
    });

    it('clears with null, and refuses reference fields nestclaw does not have by name', async () => {
      const refused = await admin.request('sessions.patch', { key, thinkingLevel: 'high' });
      expect(refused.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('thinkingLevel') });
      // A field only the current release patches is refused by name too, whatever its value's shape.
      const pinned = await admin.request('sessions.patch', { key, label: 'Kitchen tablet', pinned: { deep: true } });
      expect(pinned.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('pinned') });

      const cleared = await call<{ entry: Entry }>(admin, 'sessions.patch', { key, model: null, thinkingLevel: null });
      expect(cleared.entry.model).toBeUndefined();
      expect(cleared.entry.label).toBe('Kitchen tablet');

      const before = fake.requests.length;
      await chat(key, 'back to the default?');
      expect(fake.requests[before].body.model).toBe('fake-small');
    });

    it('keeps patch, reset and delete to operator.admin', async () => {
      for (const method of ['sessions.patch', 'sessions.reset', 'sessions.delete']) {
        const res = await reader.request(method, { key, label: 'x' });
        expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: 'missing scope: operator.admin' });
      }
    });

    it('refuses an unknown session and a bad key with the fix', async () => {
      const unknown = await admin.request('sessions.patch', { key: 'main:webchat:ghost', label: 'x' });
      expect(unknown.error?.message).toContain('unknown session main:webchat:ghost');
      const bad = await admin.request('sessions.reset', { key: 'not a key!' });
      expect(bad.error?.message).toContain('session key such as');
    });

    it('resets to an empty transcript, keeping label, and refuses a stale expectedSessionId', async () => {
      const before = await call<{ entry: Entry }>(admin, 'sessions.patch', { key, label: 'Kitchen tablet' });
      const reset = await call<{ ok: true; entry: Entry }>(admin, 'sessions.reset', {
        key,
        expectedSessionId: before.entry.sessionId,
      });
      expect(reset.entry).toMatchObject({ generation: before.entry.generation + 1, label: 'Kitchen tablet' });
      expect(reset.entry.sessionId).not.toBe(before.entry.sessionId);

      const stale = await admin.request('sessions.reset', { key, expectedSessionId: before.entry.sessionId });
      expect(stale.error?.message).toContain('reset or replaced');
      // The current reference guards patch and delete the same way.
      const stalePatch = await admin.request('sessions.patch', { key, label: 'x', expectedSessionId: before.entry.sessionId });
      expect(stalePatch.error?.message).toContain('reset or replaced');
      const staleDelete = await admin.request('sessions.delete', { key, expectedSessionId: before.entry.sessionId });
      expect(staleDelete.error?.message).toContain('reset or replaced');

      const preview = await call<{ previews: Array<{ status: string }> }>(reader, 'sessions.preview', { keys: [key] });
      expect(preview.previews[0].status).toBe('empty');
      const history = await call<{ messages: unknown[] }>(reader, 'chat.history', { sessionKey: key });
      expect(history.messages).toEqual([]);
    });

    it('deletes the session with its transcript; a second delete says it was not there', async () => {
      await chat('main:webchat:doomed', 'short-lived');
      const refused = await admin.request('sessions.delete', { key: 'main:webchat:doomed', deleteTranscript: false });
      expect(refused.error?.message).toContain('sessions.reset');
      // Guards on state nestclaw does not keep are refused, never skipped.
      for (const guard of [{ archivedOnly: true }, { expectedLifecycleRevision: 'r1' }, { expectedSessionUpdatedAt: 1 }]) {
        const unguarded = await admin.request('sessions.delete', { key: 'main:webchat:doomed', ...guard });
        expect(unguarded.error?.message).toContain(`${Object.keys(guard)[0]}: nestclaw sessions have no archive`);
      }

      expect(await call(admin, 'sessions.delete', { key: 'main:webchat:doomed' })).toEqual({
        ok: true,
        key: 'main:webchat:doomed',
        deleted: true,
        archived: [],
      });
      const { sessions } = await call<{ sessions: Array<{ sessionKey: string }> }>(reader, 'sessions.list', {});
      expect(sessions.map((s) => s.sessionKey)).not.toContain('main:webchat:doomed');
      expect(await call(admin, 'sessions.delete', { key: 'main:webchat:doomed' })).toMatchObject({ deleted: false });
      const health = await call<{ sessions: { count: number } }>(reader, 'health', {});
      expect(health.sessions.count).toBe(sessions.length);
    });

    it('bounds preview: at most 64 keys', async () => {
      const keys = Array.from({ length: 65 }, (_, i) => `main:webchat:k${i}`);
      const res = await reader.request('sessions.preview', { keys });
      expect(res.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('keys') });
    });
  });
});
