import { type CliRun, runCli } from '../support/cli-process';
import { FakeTelegram, type FakeUser, type SentMessage } from '../support/fake-telegram';
import { createTestApp, stateDirPool, type TestApp } from '../support/test-app';

const ada: FakeUser = { id: 4242, first_name: 'Ada', username: 'ada' };
const bob: FakeUser = { id: 4343, first_name: 'Bob' };
const PROMPT_HEAD = 'Exec approval needed';

/**
 * Who answers exec approvals over Telegram (docs/channels.md, "Who
 * approves"), with no operator connected: the explicit approvers list, else
 * the owner (first allowFrom, else the first paired sender). With nobody to
 * ask, the run hears so at once instead of waiting for the prompt to expire.
 */
describe('Telegram approvers', () => {
  const pool = stateDirPool();
  const runs: CliRun[] = [];
  let fake: FakeTelegram;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
  });
  afterAll(async () => {
    for (const run of runs) {
      if (run.child.exitCode === null) {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    }
    await fake?.stop();
    pool.removeAll();
  });

  async function startNode(app: TestApp, name: string): Promise<void> {
    const node = runCli(['node', 'run', '--url', app.url, '--token', app.token, '--exec', 'ask', '--display-name', name], {
      NESTCLAW_STATE_DIR: pool.make(),
    });
    runs.push(node);
    await node.waitFor('connected to', 20_000);
  }

  async function cli(app: TestApp, args: string[]): Promise<{ code: number | null; output: string }> {
    const run = runCli(args, { NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });
    runs.push(run);
    const { code } = await run.exited;
    return { code, output: run.output() };
  }

  async function pair(app: TestApp, user: FakeUser): Promise<void> {
    const before = fake.sentTo(user.id).length;
    fake.pushMessage({ chatId: user.id, from: user, text: 'hello' });
    const [reply] = (await fake.waitForSent(user.id, before + 1, 15_000)).slice(before);
    const code = /nestclaw pairing approve telegram (\S+)/.exec(reply.text)![1];
    expect(await cli(app, ['pairing', 'approve', 'telegram', code])).toMatchObject({ code: 0 });
  }

  const sentAfter = (user: FakeUser, count: number): SentMessage[] => fake.sentTo(user.id).slice(count);
  const button = (prompt: SentMessage, label: string) =>
    prompt.reply_markup!.inline_keyboard[0].find((b) => b.text === label)!.callback_data!;

  describe("with the README's config (dmPolicy pairing, no allowFrom)", () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await createTestApp({
        stateDir: pool.make(),
        config: { channels: { telegram: { enabled: true, botToken: fake.token, apiRoot: fake.apiRoot } } },
      });
      await fake.waitForCall('getUpdates');
      await startNode(app, 'shed');
      await pair(app, ada);
      await pair(app, bob);
    }, 60_000);
    afterAll(async () => app?.close());

    it('puts the prompt to the first paired sender, who alone may answer it', async () => {
      const adaBefore = fake.sentTo(ada.id).length;
      const bobBefore = fake.sentTo(bob.id).length;
      fake.pushMessage({ chatId: ada.id, from: ada, text: '/run shed echo approved-by-ada' });

      const prompt = await fake.waitUntil(
        () => sentAfter(ada, adaBefore).find((m) => m.text.startsWith(PROMPT_HEAD)),
        20_000,
        "the prompt in Ada's chat",
      );
      expect(prompt.text).toContain('Node shed wants to run:\necho approved-by-ada');
      expect(prompt.reply_markup!.inline_keyboard[0].map((b) => b.text)).toEqual(['Allow once', 'Always', 'Deny']);

      // Bob is paired too, but second: he may talk to the agent, not approve.
      fake.pushCallbackQuery({ from: bob, data: button(prompt, 'Allow once'), message: prompt });
      await fake.waitUntil(
        () => fake.answeredCallbacks.find((a) => a.text?.startsWith('Only an approver')),
        15_000,
        "the refusal of Bob's press",
      );
      expect(sentAfter(bob, bobBefore)).toEqual([]);

      fake.pushCallbackQuery({ from: ada, data: button(prompt, 'Allow once'), message: prompt });
      const answer = await fake.waitUntil(
        () => sentAfter(ada, adaBefore).find((m) => m !== prompt && m.text.includes('approved-by-ada')),
        20_000,
        'the command output',
      );
      expect(answer.text).not.toContain('refused');
    }, 60_000);
  });

  describe('with nobody to approve (dmPolicy open, no allowFrom, nobody paired)', () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await createTestApp({
        stateDir: pool.make(),
        configOnDisk: true,
        config: { channels: { telegram: { enabled: true, botToken: fake.token, apiRoot: fake.apiRoot, dmPolicy: 'open' } } },
      });
      await fake.waitForCall('getUpdates');
      await startNode(app, 'barn');
    }, 60_000);
    afterAll(async () => app?.close());

    it('tells the run at once that no approver is reachable, and how to name one', async () => {
      const before = fake.sentTo(ada.id).length;
      fake.pushMessage({ chatId: ada.id, from: ada, text: '/run barn echo nobody-asked' });
      const [reply] = await fake.waitUntil(
        () => (sentAfter(ada, before).length > 0 ? sentAfter(ada, before) : undefined),
        20_000,
        'the reply',
      );
      expect(reply.text).toContain('no approver reachable');
      expect(reply.text).toContain('channels.telegram.approvers');
      // Refused before any prompt existed, not after one expired unanswered.
      expect(reply.text).not.toContain('expired');
      expect(reply.text).not.toContain(PROMPT_HEAD);
    }, 40_000);

    it('sends the prompt to channels.telegram.approvers once set, and the Deny reaches the run', async () => {
      expect(await cli(app, ['config', 'set', 'channels.telegram.approvers', `[${ada.id}]`])).toMatchObject({ code: 0 });
      const before = fake.sentTo(ada.id).length;
      fake.pushMessage({ chatId: ada.id, from: ada, text: '/run barn echo ask-ada' });
      const prompt = await fake.waitUntil(
        () => sentAfter(ada, before).find((m) => m.text.startsWith(PROMPT_HEAD)),
        20_000,
        'the prompt',
      );
      fake.pushCallbackQuery({ from: ada, data: button(prompt, 'Deny'), message: prompt });
      const reply = await fake.waitUntil(
        () => sentAfter(ada, before).find((m) => m !== prompt && m.text.includes('denied by telegram:4242')),
        20_000,
        'the refusal',
      );
      expect(reply.text).toContain('node "barn"');
    }, 60_000);
  });
});
