import * as fs from 'node:fs';
import { CliRun, runCli } from '../support/cli-process';
import { FakeOpenAi, reply } from '../support/fake-openai';
import { FakeTelegram } from '../support/fake-telegram';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';

const OWNER = { id: 4242, first_name: 'Ada', username: 'ada' };

/**
 * The product's main flow with every piece real except the two outside
 * services: a Telegram message reaches the gateway, the model asks for
 * node_invoke, the real node host runs `echo`, and the model's answer goes
 * back to the same chat.
 */
describe('Telegram → agent → node.invoke → reply', () => {
  let telegram: FakeTelegram;
  let model: FakeOpenAi;
  let app: TestApp;
  let node: CliRun;
  let nodeDir: string;

  beforeAll(async () => {
    telegram = await new FakeTelegram().start();
    model = await FakeOpenAi.start();
    app = await createTestApp({
      config: {
        channels: {
          telegram: {
            enabled: true,
            botToken: telegram.token,
            apiRoot: telegram.apiRoot,
            dmPolicy: 'allowlist',
            allowFrom: [OWNER.id],
          },
        },
        agent: { provider: 'openai', model: 'fake-model', baseUrl: model.baseUrl, apiKey: 'test-key', timeoutMs: 15_000 },
      },
    });
    nodeDir = makeStateDir();
    node = runCli(
      ['node', 'run', '--url', app.url, '--token', app.token, '--exec', 'full', '--display-name', 'garage', '--json'],
      {
        NESTCLAW_STATE_DIR: nodeDir,
      },
    );
    await node.waitFor('"event":"connected"', 15_000);
  }, 30_000);

  afterAll(async () => {
    node.child.kill('SIGTERM');
    await node.exited;
    await app.close();
    await model.close();
    await telegram.stop();
    fs.rmSync(nodeDir, { recursive: true, force: true });
  });

  it('runs the command the model asks for on the node and answers in the same chat', async () => {
    model.respondWith((request) => {
      const toolResult = request.body.messages.find((m) => m.role === 'tool');
      if (!toolResult) {
        return reply.tools({
          id: 'call-1',
          name: 'node_invoke',
          arguments: { node: 'garage', command: 'system.run', params: { command: ['echo', 'hello from the garage'] } },
        });
      }
      const output = JSON.parse(toolResult.content ?? '{}') as { stdout?: string; exitCode?: number };
      return reply.text(`The garage says: ${output.stdout?.trim()} (exit ${output.exitCode})`);
    });

    telegram.pushMessage({ chatId: OWNER.id, from: OWNER, text: 'What does the garage say?' });
    const [answer] = await telegram.waitForSent(OWNER.id, 1, 15_000);

    expect(answer.text).toBe('The garage says: hello from the garage (exit 0)');
    expect(model.requests).toHaveLength(2);
    expect(model.requests[0].body.tools?.map((t) => t.function.name)).toEqual(
      expect.arrayContaining(['node_invoke', 'nodes_list']),
    );
    expect(model.requests[0].body.messages.at(-1)).toMatchObject({ role: 'user', content: 'What does the garage say?' });
    expect(telegram.callsOf('sendChatAction').some((c) => String(c.body.chat_id) === String(OWNER.id))).toBe(true);
    await node.waitFor('"command":"system.run"');
  }, 30_000);

  it('records the conversation in the session transcript', async () => {
    const run = runCli(
      ['gateway', 'call', 'chat.history', '--params', JSON.stringify({ sessionKey: `main:telegram:dm:${OWNER.id}` }), '--json'],
      {
        NESTCLAW_STATE_DIR: app.stateDir,
        NESTCLAW_GATEWAY_PORT: String(app.port),
      },
    );
    expect((await run.exited).code).toBe(0);
    const { messages } = JSON.parse(run.output()) as { messages: Array<{ role: string; content: string }> };
    expect(messages.filter((m) => m.role !== 'tool').map((m) => [m.role, m.content])).toEqual([
      ['user', 'What does the garage say?'],
      ['assistant', 'The garage says: hello from the garage (exit 0)'],
    ]);

    const health = runCli(['gateway', 'call', 'health', '--json'], {
      NESTCLAW_STATE_DIR: app.stateDir,
      NESTCLAW_GATEWAY_PORT: String(app.port),
    });
    expect((await health.exited).code).toBe(0);
    expect(JSON.parse(health.output()).sessions).toEqual({
      count: 1,
      recent: [{ sessionKey: `main:telegram:dm:${OWNER.id}`, channel: 'telegram', lastMessageAtMs: expect.any(Number) }],
    });
  });
});
