import * as fs from 'node:fs';
import { CliRun, runCli } from '../support/cli-process';
import { FakeTelegram, type FakeUser, type SentMessage } from '../support/fake-telegram';
import { createTestApp, makeStateDir, type TestApp } from '../support/test-app';

const owner: FakeUser = { id: 1001, first_name: 'Ada', username: 'ada' };
const friend: FakeUser = { id: 1002, first_name: 'Grace' };
const stranger: FakeUser = { id: 2001, first_name: 'Eve' };

/**
 * The owner (first channels.telegram.allowFrom id) answers exec approval
 * prompts with inline buttons; button presses are callback_query updates
 * taken in through the channel's durable inbox.
 */
describe('exec approvals over Telegram inline buttons', () => {
  let fake: FakeTelegram;
  let app: TestApp;
  let nodeDir: string;
  const runs: CliRun[] = [];
  const invoke = (argv: string[]) => {
    const run = runCli(
      [
        'nodes',
        'invoke',
        '--node',
        'shed',
        '--command',
        'system.run',
        '--params',
        JSON.stringify({ command: argv }),
        '--invoke-timeout',
        '60000',
        '--json',
      ],
      { NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) },
    );
    runs.push(run);
    return run;
  };
  const promptFor = async (word: string): Promise<SentMessage> =>
    fake.waitUntil(() => fake.sentTo(owner.id).find((m) => m.text.includes(word)), 15_000, `a prompt about ${word}`);
  const button = (prompt: SentMessage, label: string) =>
    prompt.reply_markup!.inline_keyboard[0].find((b) => b.text === label)!.callback_data!;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    app = await createTestApp({
      config: {
        channels: { telegram: { enabled: true, botToken: fake.token, apiRoot: fake.apiRoot, allowFrom: [owner.id, friend.id] } },
      },
    });
    await fake.waitForCall('getUpdates');
    nodeDir = makeStateDir();
    const node = runCli(
      ['node', 'run', '--url', app.url, '--token', app.token, '--exec', 'ask', '--display-name', 'shed', '--json'],
      {
        NESTCLAW_STATE_DIR: nodeDir,
      },
    );
    runs.push(node);
    await node.waitFor('"event":"connected"', 20_000);
  }, 40_000);

  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await app?.close();
    await fake?.stop();
    fs.rmSync(nodeDir, { recursive: true, force: true });
  });

  it('sends the owner a prompt with buttons; only the owner can press them; Allow once runs the command', async () => {
    const run = invoke(['echo', 'from-telegram']);
    const prompt = await promptFor('from-telegram');
    expect(prompt.text).toContain('Node shed wants to run:\necho from-telegram\nprogram: ');
    expect(prompt.text).toMatch(/\nin: .+\nenv: \(none\)\n/);
    expect(prompt.parse_mode).toBeUndefined();
    expect(prompt.reply_markup!.inline_keyboard[0].map((b) => b.text)).toEqual(['Allow once', 'Always', 'Deny']);
    expect(fake.sentTo(friend.id)).toEqual([]);

    const refusedId = fake.pushCallbackQuery({ from: stranger, data: button(prompt, 'Allow once'), message: prompt });
    await fake.waitUntil(() => fake.answeredCallbacks.find((a) => a.text?.startsWith('Only an approver')), 10_000, 'the refusal');
    expect(run.child.exitCode).toBeNull();

    fake.pushCallbackQuery({ from: owner, data: button(prompt, 'Allow once'), message: prompt });
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toContain('from-telegram');

    const edit = await fake.waitUntil(
      () => fake.edits.find((e) => e.message_id === prompt.message_id),
      10_000,
      'the edited prompt',
    );
    expect(edit.text).toContain('Allowed once by telegram:1001 (@ada).');
    expect(edit.reply_markup).toBeUndefined();
    expect(fake.answeredCallbacks.map((a) => a.text)).toContain('Allowed once.');
    // The presses went through the inbox: the offset moves past them only once they are handled.
    await fake.waitUntil(() => (fake.confirmedOffset > refusedId + 1 ? true : undefined), 35_000, 'the confirmed offset');
  }, 60_000);

  it('Deny refuses the command, and a later press hears it is no longer pending', async () => {
    const run = invoke(['echo', 'deny-me']);
    const prompt = await promptFor('deny-me');
    fake.pushCallbackQuery({ from: owner, data: button(prompt, 'Deny'), message: prompt });
    expect((await run.exited).code).toBe(1);
    expect(run.output()).toContain('EXEC_DENIED');
    expect(run.output()).toContain('was denied by telegram:1001');
    await fake.waitUntil(
      () => fake.edits.find((e) => e.message_id === prompt.message_id && e.text.includes('Denied by telegram:1001')),
      10_000,
      'the edit',
    );

    fake.pushCallbackQuery({ from: owner, data: button(prompt, 'Allow once'), message: prompt });
    await fake.waitUntil(
      () => fake.answeredCallbacks.find((a) => a.text === 'This approval is no longer pending.'),
      10_000,
      'the late answer',
    );
  }, 60_000);

  it('edits the prompt when the approval is answered elsewhere (CLI)', async () => {
    const run = invoke(['echo', 'cli-answer']);
    const prompt = await promptFor('cli-answer');
    const id = /id ([0-9a-f-]+)$/.exec(prompt.text)![1];
    const answered = runCli(['approvals', 'allow', id], {
      NESTCLAW_STATE_DIR: app.stateDir,
      NESTCLAW_GATEWAY_PORT: String(app.port),
    });
    runs.push(answered);
    expect((await answered.exited).code).toBe(0);
    expect((await run.exited).code).toBe(0);
    const edit = await fake.waitUntil(() => fake.edits.find((e) => e.message_id === prompt.message_id), 10_000, 'the edit');
    expect(edit.text).toMatch(/Allowed once by cli/);
  }, 60_000);
});
