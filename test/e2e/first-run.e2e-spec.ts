import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, cleanEnv, type CliRun, runCli } from '../support/cli-process';
import { FakeTelegram, type FakeUser } from '../support/fake-telegram';
import { freePort } from '../support/free-port';
import { stateDirPool } from '../support/test-app';

const ada: FakeUser = { id: 4242, first_name: 'Ada', username: 'ada' };
const NODE_NAME = 'lab-box';

/**
 * The README's first run, as one person alone would do it, with only the
 * Bot API replaced (by a real HTTP server on loopback): onboard, the gateway
 * in the foreground, Telegram pairing, a node host with an empty allowlist.
 * The first `/run` is refused, and the refusal itself carries the command
 * that fixes it; running that command makes the same `/run` answer.
 */
describe('first run: onboard to the first answer in Telegram', () => {
  const pool = stateDirPool();
  const running: CliRun[] = [];
  let fake: FakeTelegram;
  let shimDir: string;

  beforeAll(async () => {
    fake = await new FakeTelegram().start();
    // The fix is printed as a `nestclaw …` command line: a shell must find `nestclaw` to run it as written.
    shimDir = pool.make();
    fs.writeFileSync(path.join(shimDir, 'nestclaw'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, {
      mode: 0o755,
    });
  });
  afterAll(async () => {
    for (const run of running) {
      if (run.child.exitCode === null) {
        run.child.kill('SIGTERM');
        await run.exited;
      }
    }
    await fake?.stop();
    pool.removeAll();
  });

  async function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const run = runCli(args, env);
    const { code } = await run.exited;
    return { code, output: run.output() };
  }

  /** Runs a command line exactly as printed, through a shell, as a user pasting it would. */
  async function shell(commandLine: string): Promise<{ code: number | null; output: string }> {
    const child = spawn('/bin/sh', ['-c', commandLine], {
      env: cleanEnv({ PATH: `${shimDir}:${process.env.PATH}` }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    return { code, output };
  }

  async function say(text: string): Promise<string> {
    const before = fake.sentTo(ada.id).length;
    fake.pushMessage({ chatId: ada.id, from: ada, text });
    const sent = await fake.waitForSent(ada.id, before + 1, 15_000);
    return sent[before].text;
  }

  it('ends with the answer after following only what the messages say', async () => {
    const gatewayState = path.join(pool.make(), 'state');
    const nodeState = path.join(pool.make(), 'node-state');
    const port = await freePort();
    const gatewayEnv = { NESTCLAW_STATE_DIR: gatewayState };

    // 1. onboard, non-interactive: the bot token goes to gateway.env, never the config.
    const onboard = await cli(
      ['onboard', '--non-interactive', '--generate-token', '--port', String(port), '--telegram-token', fake.token],
      gatewayEnv,
    );
    expect(onboard.code).toBe(0);
    const configPath = path.join(gatewayState, 'nestclaw.json');
    const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    expect(JSON.stringify(config)).not.toContain(fake.token);
    // The one change a real user does not make: point the Bot API at the fake.
    config.channels.telegram.apiRoot = fake.apiRoot;
    fs.writeFileSync(configPath, JSON.stringify(config), { mode: 0o600 });

    // 2. the gateway in the foreground finds the bot token in gateway.env by itself.
    const gateway = runCli(['gateway', 'run'], gatewayEnv);
    running.push(gateway);
    await gateway.waitFor(`listening on ws://127.0.0.1:${port}`, 20_000);
    await fake.waitForCall('getUpdates');

    // 3. Telegram pairing: the first message gets a code and the command to approve it.
    const pairing = await say('hello');
    const approvePairing = /nestclaw pairing approve telegram (\S+)/.exec(pairing);
    expect(approvePairing).not.toBeNull();
    expect(await cli(['pairing', 'approve', 'telegram', approvePairing![1]], gatewayEnv)).toMatchObject({ code: 0 });

    // 4. a node host with no allowlist says so at start, with the command that adds to it.
    const token = fs.readFileSync(path.join(gatewayState, 'gateway.token'), 'utf8').trim();
    const node = runCli(
      ['node', 'run', '--url', `ws://127.0.0.1:${port}`, '--token', token, '--exec', 'allowlist', '--display-name', NODE_NAME],
      { NESTCLAW_STATE_DIR: nodeState },
    );
    running.push(node);
    await node.waitFor(/does not exist yet, so system\.run refuses every program\. Allow one with: .*nestclaw node allow/);
    // From loopback with the gateway token the node is paired silently (docs/protocol.md); remotely it would wait for `devices approve`.
    await node.waitFor('connected to');

    // 5. the first /run is refused, naming the node, the program, the policy and the fix.
    const refusal = await say(`/run ${NODE_NAME} echo first-run-ok`);
    expect(refusal).toContain(`node "${NODE_NAME}"`);
    expect(refusal).toContain('exec policy "allowlist"');
    expect(refusal).toMatch(/"echo" \(\/\S*\/echo\)/);
    expect(refusal).not.toContain('see details.nodeError');
    const fix = new RegExp(`run on ${NODE_NAME}: (.*?nestclaw node allow \\S+ -- first-run-ok)`).exec(refusal);
    expect(fix).not.toBeNull();
    // The CLI shows the same text without --json, and does not call the node's refusal the gateway's.
    const invoked = await cli(
      ['nodes', 'invoke', '--node', NODE_NAME, '--command', 'system.run', '--params', '{"command":["echo","first-run-ok"]}'],
      gatewayEnv,
    );
    expect(invoked.code).toBe(1);
    expect(invoked.output).toContain(fix![1]);
    expect(invoked.output).not.toContain('gateway refused');

    // 6. the fix, pasted as printed, on the node's machine.
    const applied = await shell(fix![1]);
    expect(applied).toMatchObject({ code: 0, output: expect.stringContaining('allowed: ') });

    // 7. the same message now gets the command's output back.
    const answer = await say(`/run ${NODE_NAME} echo first-run-ok`);
    expect(answer).toContain('first-run-ok');
    expect(answer).not.toContain('refused');
  }, 90_000);
});
