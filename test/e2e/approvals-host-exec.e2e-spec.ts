import { FakeOpenAi, reply } from '../support/fake-openai';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

/**
 * tools.exec with ask: the gateway host asks an operator before the agent's
 * exec tool runs a program outside the allowlist, and "allow always"
 * remembers it on the gateway host.
 */
describe('exec approvals for the gateway host', () => {
  let model: FakeOpenAi;
  let app: TestApp;
  let operator: WsTestClient;

  beforeAll(async () => {
    model = await FakeOpenAi.start();
    app = await createTestApp({
      config: {
        agent: { provider: 'openai', model: 'fake', baseUrl: model.baseUrl, apiKey: 'k', timeoutMs: 15_000 },
        tools: { exec: { enabled: true, ask: true, allowlist: [] } },
      },
    });
    operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
  });
  afterAll(async () => {
    await operator.close();
    await app.close();
    await model.close();
  });

  /** The model asks for `echo <word>` once per turn, then reports the tool's answer. */
  function scriptEcho(word: string): void {
    model.respondWith((request) => {
      const tool = [...request.body.messages].reverse().find((m) => m.role === 'tool');
      const lastUser = [...request.body.messages].reverse().findIndex((m) => m.role === 'user');
      const toolAfterUser = tool && [...request.body.messages].reverse().indexOf(tool) < lastUser;
      if (!toolAfterUser) return reply.tools({ id: `call-${word}`, name: 'exec', arguments: { argv: ['echo', word] } });
      return reply.text(`tool said: ${tool!.content}`);
    });
  }

  async function runAgent(message: string): Promise<{ status: string; summary: string }> {
    const res = await operator.request('agent', { message, idempotencyKey: `k-${message}` }, 20_000);
    // The first answer is the ack; the final one arrives with the same id.
    if ((res.payload as { status: string }).status !== 'accepted') return res.payload as { status: string; summary: string };
    return (await operator.awaitResponse(res.id, 20_000)).payload as { status: string; summary: string };
  }

  it('asks, runs once on "allow-once", and asks again next time', async () => {
    scriptEcho('first');
    const run = runAgent('say first');
    const prompt = await operator.nextEvent('exec.approval.requested', 10_000);
    expect(prompt.payload).toMatchObject({ host: 'gateway', argv: ['echo', 'first'] });
    const id = (prompt.payload as { id: string }).id;
    expect((await operator.request('exec.approval.resolve', { id, decision: 'allow-once' })).ok).toBe(true);
    expect((await run).summary).toContain('first');

    scriptEcho('second');
    const again = runAgent('say second');
    const second = await operator.nextEvent('exec.approval.requested', 10_000);
    await operator.request('exec.approval.resolve', { id: (second.payload as { id: string }).id, decision: 'deny' });
    const denied = await again;
    // The model saw a refusal instead of the program's output.
    const lastTool = [...model.requests.at(-1)!.body.messages].reverse().find((m) => m.role === 'tool');
    expect(lastTool?.content).toMatch(/denied/i);
    expect(denied.summary).toMatch(/denied/i);
  });

  it('remembers "allow-always" for the gateway host, for that exact argv', async () => {
    scriptEcho('always');
    const run = runAgent('say always');
    const prompt = await operator.nextEvent('exec.approval.requested', 10_000);
    await operator.request('exec.approval.resolve', { id: (prompt.payload as { id: string }).id, decision: 'allow-always' });
    expect((await run).summary).toContain('always');

    operator.events.length = 0;
    expect((await runAgent('say always again')).summary).toContain('always');
    expect(operator.events.filter((e) => e.event === 'exec.approval.requested')).toEqual([]);

    // Another argument is another program as far as "always" goes: asked again.
    scriptEcho('quiet');
    const other = runAgent('say quiet');
    const again = await operator.nextEvent('exec.approval.requested', 10_000);
    expect(again.payload).toMatchObject({ argv: ['echo', 'quiet'] });
    await operator.request('exec.approval.resolve', { id: (again.payload as { id: string }).id, decision: 'deny' });
    expect((await other).summary).toMatch(/denied/i);
  });
});
