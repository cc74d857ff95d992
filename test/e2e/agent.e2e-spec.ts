import { randomUUID } from 'node:crypto';
import type { EventFrame, ResponseFrame } from '../../src/common/protocol';
import type { InvokeRequestEvent } from '../../src/modules/nodes/nodes.types';
import { runCli } from '../support/cli-process';
import { ChatRequest, FakeOpenAi, reply } from '../support/fake-openai';
import { createTestApp, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

jest.setTimeout(30_000);

interface FinalPayload {
  runId: string;
  sessionKey: string;
  status: string;
  summary: string;
  error?: string;
}

/** Sends `agent` and collects both answers (the ack and the final one) for the one request id. */
async function callAgent(client: WsTestClient, params: Record<string, unknown>, timeoutMs = 10_000) {
  const ack = await client.request('agent', { idempotencyKey: randomUUID(), ...params }, timeoutMs);
  const final =
    ack.ok && (ack.payload as { status?: string }).status === 'accepted' ? await client.awaitResponse(ack.id, timeoutMs) : ack;
  return { ack, final, payload: final.payload as FinalPayload };
}

/** Events of one run, in arrival order, once the run's closing event is there. */
async function eventsOf(
  client: WsTestClient,
  event: 'agent' | 'chat',
  runId: string,
  isLast: (frame: EventFrame) => boolean,
): Promise<EventFrame[]> {
  const collected: EventFrame[] = [];
  for (;;) {
    const frame = await client.nextEvent(event, 10_000);
    const payload = frame.payload as { runId: string };
    if (payload.runId !== runId) continue;
    collected.push(frame);
    if (isLast(frame)) return collected;
  }
}

const lifecycleEnd = (frame: EventFrame) => {
  const payload = frame.payload as { stream: string; data: { phase?: string } };
  return payload.stream === 'lifecycle' && payload.data.phase === 'end';
};
const chatDone = (frame: EventFrame) => (frame.payload as { state: string }).state !== 'delta';

/** A node on a test socket that answers system.run by echoing its argv, like `echo` would. */
async function connectEchoNode(app: TestApp, clientId: string, displayName: string): Promise<WsTestClient> {
  const node = await WsTestClient.connected(app.url, {
    role: 'node',
    client: { id: clientId, version: '1.0.0', platform: 'linux', mode: 'node', displayName },
    commands: ['system.run'],
    auth: { token: app.token },
  });
  // Answered from the raw socket, so no waiter outlives the test.
  node.socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as EventFrame;
    if (frame.type !== 'event' || frame.event !== 'node.invoke.request') return;
    const request = frame.payload as InvokeRequestEvent;
    const argv = (JSON.parse(request.paramsJSON ?? '{}') as { command: string[] }).command;
    const payload = { exitCode: 0, stdout: `${argv.slice(1).join(' ')}\n`, stderr: '', timedOut: false };
    node.sendJson({
      type: 'req',
      id: randomUUID(),
      method: 'node.invoke.result',
      params: { id: request.id, nodeId: request.nodeId, ok: true, payloadJSON: JSON.stringify(payload) },
    });
  });
  return node;
}

describe('agent (builtin provider)', () => {
  let app: TestApp;
  let operator: WsTestClient;
  const opened: WsTestClient[] = [];

  beforeAll(async () => {
    app = await createTestApp();
    operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    opened.push(operator);
  });

  afterAll(async () => {
    await Promise.all(opened.map((client) => client.close()));
    await app.close();
  });

  it('advertises the agent methods and events', async () => {
    const client = await WsTestClient.open(app.url);
    opened.push(client);
    const hello = (await client.connect({ auth: { token: app.token } })).payload as {
      features: { methods: string[]; events: string[] };
    };
    expect(hello.features.methods).toEqual(expect.arrayContaining(['agent', 'agent.wait', 'chat.send', 'chat.abort']));
    expect(hello.features.events).toEqual(expect.arrayContaining(['agent', 'chat']));
  });

  it('answers `agent` twice with the same id: the ack, then the final answer', async () => {
    const { ack, final, payload } = await callAgent(operator, { message: '/help' });
    expect(ack).toMatchObject({
      ok: true,
      payload: { status: 'accepted', runId: expect.any(String), sessionKey: 'main:operator:default' },
    });
    const runId = (ack.payload as { runId: string }).runId;
    expect(final.id).toBe(ack.id);
    expect(final.ok).toBe(true);
    expect(payload).toMatchObject({ runId, status: 'ok', sessionKey: 'main:operator:default' });
    expect(payload.summary).toContain('/run <node>');

    const events = await eventsOf(operator, 'agent', runId, lifecycleEnd);
    expect(events.map((e) => (e.payload as { stream: string }).stream)).toEqual(['lifecycle', 'assistant', 'lifecycle']);
    expect(events[0].payload).toMatchObject({
      runId,
      seq: 1,
      stream: 'lifecycle',
      data: { phase: 'start', provider: 'builtin' },
    });
    expect(events[2].payload).toMatchObject({ seq: 3, data: { phase: 'end', status: 'ok' } });
    expect(typeof events[0].seq).toBe('number');
  });

  it('explains how to configure a model for plain text', async () => {
    const { payload } = await callAgent(operator, { message: 'hello there', sessionKey: 'main:operator:hint' });
    expect(payload.status).toBe('ok');
    expect(payload.summary).toMatch(/agent\.provider.*agent\.model.*agent\.baseUrl.*agent\.apiKey/s);
  });

  it('returns the first final outcome for a repeated idempotency key, in one answer', async () => {
    const idempotencyKey = randomUUID();
    const first = await callAgent(operator, { message: '/status', idempotencyKey, sessionKey: 'main:operator:idem' });
    const repeat = await operator.request('agent', { message: '/status', idempotencyKey, sessionKey: 'main:operator:idem' });
    expect(repeat.payload).toEqual(first.payload);
    const history = await operator.request('chat.history', { sessionKey: 'main:operator:idem' });
    expect((history.payload as { messages: unknown[] }).messages).toHaveLength(2);
  });

  it('refuses deliver without a recipient', async () => {
    const res = await operator.request('agent', { message: 'x', deliver: true, idempotencyKey: randomUUID() });
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringMatching(/^invalid params: to: is required when deliver is true/) },
    });
  });

  it('lets agent.wait return the final result of a run', async () => {
    const { ack } = await callAgent(operator, { message: '/status', sessionKey: 'main:operator:wait' });
    const runId = (ack.payload as { runId: string }).runId;
    const waited = await operator.request('agent.wait', { runId, timeoutMs: 1_000 });
    expect(waited).toMatchObject({ ok: true, payload: { runId, status: 'ok', summary: expect.stringContaining('nestclaw') } });
    const unknown = await operator.request('agent.wait', { runId: 'no-such-run' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('streams a chat.send run as chat events and keeps it in chat.history', async () => {
    const sessionKey = `main:webchat:${randomUUID().slice(0, 8)}`;
    const started = await operator.request('chat.send', { sessionKey, message: '/status', idempotencyKey: randomUUID() });
    expect(started).toMatchObject({ ok: true, payload: { status: 'started', runId: expect.any(String), sessionKey } });
    const runId = (started.payload as { runId: string }).runId;

    const events = await eventsOf(operator, 'chat', runId, chatDone);
    const states = events.map((e) => (e.payload as { state: string }).state);
    expect(states).toEqual(['delta', 'final']);
    const final = events[1].payload as {
      seq: number;
      sessionKey: string;
      message: { role: string; content: Array<{ type: string; text: string }> };
    };
    expect(final).toMatchObject({ runId, sessionKey, seq: 2, message: { role: 'assistant' } });
    expect(final.message.content[0].text).toMatch(/^nestclaw .*, up /);
    expect(final.message.content[0].text).toContain(`this conversation: 1 message (${sessionKey})`);

    const history = await operator.request('chat.history', { sessionKey });
    expect((history.payload as { messages: Array<{ role: string; content: string }> }).messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
    ]);
  });

  it('answers chat.abort with aborted:false when nothing runs', async () => {
    expect(await operator.request('chat.abort', { sessionKey: 'main:webchat:idle' })).toMatchObject({
      ok: true,
      payload: { aborted: false },
    });
  });

  it('refuses the write methods to a read-only operator but streams it the events', async () => {
    const reader = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.read'] });
    opened.push(reader);
    const refused = await reader.request('chat.send', {
      sessionKey: 'main:webchat:r',
      message: 'hi',
      idempotencyKey: randomUUID(),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: 'missing scope: operator.write' } });

    const started = await operator.request('chat.send', {
      sessionKey: 'main:webchat:r',
      message: '/help',
      idempotencyKey: randomUUID(),
    });
    const runId = (started.payload as { runId: string }).runId;
    const events = await eventsOf(reader, 'chat', runId, chatDone);
    expect((events.at(-1)!.payload as { state: string }).state).toBe('final');
  });

  it('runs a command on a node with /run and resets the conversation with /reset', async () => {
    const node = await connectEchoNode(app, 'garage-node', 'garage');
    opened.push(node);
    const sessionKey = 'main:operator:runner';
    const { payload } = await callAgent(operator, { message: '/run garage echo "hello from the node"', sessionKey });
    expect(payload.summary).toBe('garage $ echo hello from the node\nhello from the node\nexit code 0');

    const nodes = await callAgent(operator, { message: '/nodes', sessionKey });
    expect(nodes.payload.summary).toContain('• garage [client:garage-node] (linux, connected) – system.run');

    const reset = await callAgent(operator, { message: '/reset', sessionKey });
    expect(reset.payload.summary).toMatch(/^Started a fresh conversation/);
    const history = await operator.request('chat.history', { sessionKey });
    expect((history.payload as { messages: unknown[] }).messages).toHaveLength(1);
  });

  it('prints the final answer of `nestclaw gateway agent --message "/help"`', async () => {
    const run = runCli(['gateway', 'agent', '--message', '/help'], {
      NESTCLAW_STATE_DIR: app.stateDir,
      NESTCLAW_GATEWAY_PORT: String(app.port),
    });
    const { code } = await run.exited;
    expect(run.output()).toContain('/reset – start a fresh conversation');
    expect(run.output()).not.toContain('accepted');
    expect(code).toBe(0);
  });
});

describe('agent (openai provider against a fake OpenAI-compatible server)', () => {
  let fake: FakeOpenAi;
  let app: TestApp;
  let operator: WsTestClient;
  let node: WsTestClient;

  beforeAll(async () => {
    fake = await FakeOpenAi.start();
    app = await createTestApp({
      config: {
        agent: { provider: 'openai', model: 'fake-model', baseUrl: fake.baseUrl, apiKey: 'sk-test-key', timeoutMs: 1_500 },
      },
    });
    operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });
    node = await connectEchoNode(app, 'garage-node', 'garage');
  });

  afterAll(async () => {
    await operator.close();
    await node.close();
    await app.close();
    await fake.close();
  });

  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('answers with the model text, sending the system prompt, history, message and tools', async () => {
    fake.script(reply.text('Hello from the model.'));
    const sessionKey = 'main:operator:plain';
    const { payload } = await callAgent(operator, { message: 'hi', sessionKey });
    expect(payload).toMatchObject({ status: 'ok', summary: 'Hello from the model.' });

    const [request] = fake.requests;
    expect(request.headers.authorization).toBe('Bearer sk-test-key');
    expect(request.body.model).toBe('fake-model');
    expect(request.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request.body.messages[1].content).toBe('hi');
    expect(request.body.tools!.map((t) => t.function.name)).toEqual(['nodes_list', 'node_invoke']);

    fake.script(reply.text('Second answer.'));
    await callAgent(operator, { message: 'again', sessionKey });
    expect(fake.requests[1].body.messages.map((m) => [m.role, m.content])).toEqual([
      ['system', expect.any(String)],
      ['user', 'hi'],
      ['assistant', 'Hello from the model.'],
      ['user', 'again'],
    ]);
  });

  it('loops over nodes_list and node_invoke on a real node client, then returns the final answer', async () => {
    fake.respondWith((request: ChatRequest) => {
      if (request.index === 0) return reply.tools({ id: 'call-list', name: 'nodes_list', arguments: {} });
      if (request.index === 1) {
        return reply.tools({
          id: 'call-run',
          name: 'node_invoke',
          arguments: { node: 'garage', command: 'system.run', params: { command: ['echo', 'hi from garage'] } },
        });
      }
      const toolResult = request.body.messages.at(-1)!;
      return reply.text(`The node said: ${JSON.parse(toolResult.content!).stdout.trim()}`);
    });
    const { ack, payload } = await callAgent(operator, { message: 'say hi on the garage', sessionKey: 'main:operator:tools' });
    expect(payload).toMatchObject({ status: 'ok', summary: 'The node said: hi from garage' });

    const listed = JSON.parse(fake.requests[1].body.messages.at(-1)!.content!);
    expect(listed).toEqual([{ name: 'garage', id: 'client:garage-node', platform: 'linux', commands: ['system.run'] }]);
    expect(fake.requests[2].body.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call-run' });

    const runId = (ack.payload as { runId: string }).runId;
    const events = await eventsOf(operator, 'agent', runId, lifecycleEnd);
    const tools = events
      .map((e) => e.payload as { stream: string; data: { phase?: string; name?: string } })
      .filter((p) => p.stream === 'tool');
    expect(tools.map((t) => [t.data.phase, t.data.name])).toEqual([
      ['call', 'nodes_list'],
      ['result', 'nodes_list'],
      ['call', 'node_invoke'],
      ['result', 'node_invoke'],
    ]);
  });

  it('tells the model a node is offline, and its final answer still arrives', async () => {
    fake.respondWith((request: ChatRequest) =>
      request.index === 0
        ? reply.tools({
            id: 'call-1',
            name: 'node_invoke',
            arguments: { node: 'attic', command: 'system.run', params: { command: ['uptime'] } },
          })
        : reply.text(`Sorry, ${JSON.parse(request.body.messages.at(-1)!.content!).error.split(':')[0]}.`),
    );
    const { payload } = await callAgent(operator, { message: 'uptime of the attic?', sessionKey: 'main:operator:offline' });
    expect(payload).toMatchObject({ status: 'ok', summary: 'Sorry, node not connected.' });
  });

  it('turns an HTTP 500 into a short apology without the upstream text', async () => {
    fake.script(
      reply.status(500, { error: { message: 'SECRET_UPSTREAM_DETAIL' } }),
      reply.status(500, { error: { message: 'SECRET_UPSTREAM_DETAIL' } }),
    );
    const { final, payload } = await callAgent(operator, { message: 'hi', sessionKey: 'main:operator:broken' });
    expect(final.ok).toBe(true);
    expect(payload.status).toBe('error');
    expect(payload.summary).toBe('Sorry, the model endpoint had a problem (HTTP 500). Please try again later.');
    expect(payload.error).toBe('the model endpoint answered HTTP 500');
    expect(JSON.stringify(payload)).not.toContain('SECRET_UPSTREAM_DETAIL');
  });

  it('times out a model slower than agent.timeoutMs', async () => {
    fake.script(reply.slow(5_000, reply.text('too late')));
    const startedAt = Date.now();
    const { payload } = await callAgent(operator, { message: 'slow?', sessionKey: 'main:operator:slow' });
    expect(payload.status).toBe('timeout');
    // The run's timer and the HTTP call's deadline have the same length; either apology is right.
    expect(payload.summary).toMatch(/^Sorry, (that took too long|the model did not answer in time)/);
    expect(Date.now() - startedAt).toBeLessThan(4_500);
  });

  it('streams chat events for a chat.send run with tool calls', async () => {
    fake.respondWith((request: ChatRequest) =>
      request.index === 0
        ? { kind: 'message', content: 'Checking the nodes.', toolCalls: [{ id: 'c1', name: 'nodes_list', arguments: {} }] }
        : reply.text('One node: garage.'),
    );
    const sessionKey = 'main:webchat:tools';
    const started = (await operator.request('chat.send', { sessionKey, message: 'which nodes?', idempotencyKey: randomUUID() }))
      .payload as { runId: string };
    const events = await eventsOf(operator, 'chat', started.runId, chatDone);
    const texts = events.map((e) => {
      const payload = e.payload as { state: string; message?: { content: Array<{ text: string }> } };
      return [payload.state, payload.message?.content[0].text];
    });
    expect(texts).toEqual([
      ['delta', 'Checking the nodes.'],
      ['delta', 'One node: garage.'],
      ['final', 'One node: garage.'],
    ]);
  });

  it('aborts a chat.send run with chat.abort', async () => {
    fake.script(reply.slow(5_000, reply.text('never')));
    const sessionKey = 'main:webchat:abort';
    const started = (await operator.request('chat.send', { sessionKey, message: 'take your time', idempotencyKey: randomUUID() }))
      .payload as { runId: string };
    await waitFor(() => fake.requests.length === 1);
    expect(await operator.request('chat.abort', { sessionKey, runId: started.runId })).toMatchObject({
      ok: true,
      payload: { aborted: true },
    });
    const events = await eventsOf(operator, 'chat', started.runId, chatDone);
    expect((events.at(-1)!.payload as { state: string }).state).toBe('aborted');
    const waited: ResponseFrame = await operator.request('agent.wait', { runId: started.runId });
    expect(waited.payload).toMatchObject({ status: 'aborted' });
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
