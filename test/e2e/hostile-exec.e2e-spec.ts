import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliRun, runCli } from '../support/cli-process';
import { FakeOpenAi, FakeToolCall, reply } from '../support/fake-openai';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

interface Prompt {
  id: string;
  host: string;
  argv: string[];
  cwd: string | null;
  env: Record<string, string>;
  resolvedPath?: string;
}

interface InvokeAnswer {
  ok: boolean;
  payload?: { payload?: { exitCode: number; stdout: string } };
  error?: { code: string; message: string; details?: { nodeError?: { code: string; message: string } } };
}

/**
 * An approved program must not be turned into another one: attacks over
 * real sockets against a real node host (under allowlist and ask), the
 * agent through a fake OpenAI endpoint, and the gateway host's own exec tool.
 * Every refused attack is also checked for its side effect: the marker file
 * its payload would create must not exist.
 */
describe('hostile exec: env and arguments cannot turn an approved program into another', () => {
  let model: FakeOpenAi;
  let app: TestApp;
  let operator: WsTestClient;
  let lockedDir: string;
  let askerDir: string;
  let work: string;
  const runs: CliRun[] = [];
  const marker = (name: string) => path.join(work, `${name}.marker`);
  let nextCall: FakeToolCall | undefined;

  const startNode = async (dir: string, exec: string, name: string) => {
    const run = runCli(
      ['node', 'run', '--url', app.url, '--token', app.token, '--exec', exec, '--display-name', name, '--json'],
      {
        NESTCLAW_STATE_DIR: dir,
      },
    );
    runs.push(run);
    await run.waitFor('"event":"connected"', 20_000);
  };

  const invoke = async (node: string, params: Record<string, unknown>): Promise<InvokeAnswer> =>
    (await operator.request(
      'node.invoke',
      { nodeId: node, command: 'system.run', params, idempotencyKey: randomUUID(), timeoutMs: 30_000 },
      35_000,
    )) as InvokeAnswer;

  const nodeError = (answer: InvokeAnswer) => answer.error?.details?.nodeError ?? { code: '', message: '' };

  /** One agent turn: the model makes `call`, then repeats what the tool answered. Returns the tool's answer. */
  const agentTurn = async (call: FakeToolCall): Promise<string> => {
    nextCall = call;
    const res = await operator.request('agent', { message: `do ${call.id}`, idempotencyKey: `k-${call.id}` }, 30_000);
    if ((res.payload as { status: string }).status === 'accepted') await operator.awaitResponse(res.id, 30_000);
    const tool = [...model.requests.at(-1)!.body.messages].reverse().find((m) => m.role === 'tool');
    return tool?.content ?? '';
  };

  const nextPrompt = async (): Promise<Prompt> => (await operator.nextEvent('exec.approval.requested', 15_000)).payload as Prompt;

  beforeAll(async () => {
    work = makeStateDir();
    model = await FakeOpenAi.start();
    model.respondWith((request) => {
      const last = request.body.messages.at(-1);
      if (last?.role === 'tool') return reply.text(`tool said: ${last.content}`);
      return nextCall ? reply.tools(nextCall) : reply.text('nothing to do');
    });
    app = await createTestApp({
      config: {
        agent: { provider: 'openai', model: 'fake', baseUrl: model.baseUrl, apiKey: 'k', timeoutMs: 25_000 },
        tools: { exec: { enabled: true, ask: true, allowlist: [] } },
      },
    });
    operator = await WsTestClient.connected(app.url, { auth: { token: app.token } });

    // Payloads: each would create its marker if the environment reached the program.
    fs.writeFileSync(path.join(work, 'evil.sh'), `touch ${marker('bash-env')}\n`);
    fs.writeFileSync(path.join(work, 'evil.js'), `require('fs').writeFileSync(${JSON.stringify(marker('node-options'))}, '')\n`);
    fs.writeFileSync(path.join(work, 'page.txt'), 'a page\n');

    lockedDir = makeStateDir();
    fs.writeFileSync(
      path.join(lockedDir, 'exec-approvals.json'),
      JSON.stringify({
        version: 1,
        allow: [
          { command: 'bash', args: ['-c', 'true'] },
          { command: process.execPath, args: ['-e', '0'] },
          { command: 'less', args: [path.join(work, 'page.txt')] },
          { command: 'python3', args: ['-c', 'pass'] },
          { command: 'touch', args: [marker('touch')] },
          { command: 'echo', args: ['approved', '*'] },
        ],
      }),
      { mode: 0o600 },
    );
    askerDir = makeStateDir();
    await startNode(lockedDir, 'allowlist', 'locked');
    await startNode(askerDir, 'ask', 'asker');
  }, 60_000);

  afterAll(async () => {
    await operator?.close();
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await app?.close();
    await model?.close();
    for (const dir of [lockedDir, askerDir, work]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the payloads are real: run directly, they do create their markers', () => {
    spawnSync('bash', ['-c', 'true'], { env: { PATH: process.env.PATH, BASH_ENV: path.join(work, 'evil.sh') } });
    spawnSync(process.execPath, ['-e', '0'], { env: { NODE_OPTIONS: `--require ${path.join(work, 'evil.js')}` } });
    expect(fs.existsSync(marker('bash-env'))).toBe(true);
    expect(fs.existsSync(marker('node-options'))).toBe(true);
    fs.rmSync(marker('bash-env'));
    fs.rmSync(marker('node-options'));
  });

  it('runs the approved programs as approved (so the refusals below are about env)', async () => {
    const answer = await invoke('locked', { command: ['bash', '-c', 'true'], env: { TERM: 'dumb', LC_ALL: 'C' } });
    expect(answer.ok).toBe(true);
    expect(answer.payload?.payload?.exitCode).toBe(0);
  });

  it.each<[string, string[], Record<string, string>, string]>([
    ['BASH_ENV', ['bash', '-c', 'true'], { BASH_ENV: '<work>/evil.sh' }, 'bash-env'],
    ['NODE_OPTIONS', [process.execPath, '-e', '0'], { NODE_OPTIONS: '--require <work>/evil.js' }, 'node-options'],
    ['LESSOPEN', ['less', '<work>/page.txt'], { LESSOPEN: '|touch <work>/lessopen.marker; cat %s' }, 'lessopen'],
    [
      'PYTHONWARNINGS',
      ['python3', '-c', 'pass'],
      { PYTHONWARNINGS: 'all:0:antigravity.x:0:0', BROWSER: 'touch <work>/python.marker' },
      'python',
    ],
    ['LD_PRELOAD', ['touch', '<work>/touch.marker'], { LD_PRELOAD: '<work>/evil.so' }, 'touch'],
    ['PATH', ['touch', '<work>/touch.marker'], { PATH: '<work>' }, 'touch'],
  ])('refuses an approved program given %s, and nothing runs', async (name, argv, env, markerName) => {
    const fill = (text: string) => text.replaceAll('<work>', work);
    const answer = await invoke('locked', {
      command: argv.map(fill),
      env: Object.fromEntries(Object.entries(env).map(([key, value]) => [key, fill(value)])),
    });
    expect(answer.ok).toBe(false);
    expect(nodeError(answer)).toMatchObject({ code: 'EXEC_DENIED' });
    expect(nodeError(answer).message).toContain(`env refused: ${name} is not one of the variables a command may be given`);
    expect(nodeError(answer).message).toMatch(/name (it|them) in "env" of the entry for .* in .*exec-approvals\.json/);
    expect(fs.existsSync(marker(markerName))).toBe(false);
  });

  it('holds an allowlisted program to its argument patterns', async () => {
    const fits = await invoke('locked', { command: ['echo', 'approved', 'anything'] });
    expect(fits.payload?.payload?.stdout).toBe('approved anything\n');
    for (const argv of [
      ['echo', 'approved'],
      ['echo', 'other', 'x'],
      ['echo', 'approved', 'x', 'y'],
    ]) {
      const refused = await invoke('locked', { command: argv });
      expect(nodeError(refused)).toMatchObject({
        code: 'EXEC_DENIED',
        message: expect.stringContaining('approved only with other arguments'),
      });
    }
  });

  it('under ask, shows argv, cwd and env, and "allow always" allows only that argv', async () => {
    const argv = ['echo', 'pinned', 'a*b'];
    const first = invoke('asker', { command: argv, cwd: work, env: { TERM: 'dumb' } });
    const prompt = await nextPrompt();
    expect(prompt).toMatchObject({
      host: 'node',
      argv,
      cwd: work,
      env: { TERM: 'dumb' },
      resolvedPath: expect.stringMatching(/\/echo$/),
    });
    expect((await operator.request('exec.approval.resolve', { id: prompt.id, decision: 'allow-always' })).ok).toBe(true);
    expect((await first).payload?.payload?.stdout).toBe('pinned a*b\n');

    const saved = JSON.parse(fs.readFileSync(path.join(askerDir, 'exec-approvals.json'), 'utf8'));
    expect(saved.agents['*'].allowlist).toEqual([
      expect.objectContaining({ pattern: prompt.resolvedPath, args: ['pinned', 'a\\*b'] }),
    ]);

    operator.events.length = 0;
    const again = await invoke('asker', { command: argv });
    expect(again.payload?.payload?.stdout).toBe('pinned a*b\n');
    expect(operator.events.filter((e) => e.event === 'exec.approval.requested')).toEqual([]);

    // The star was a literal in the approved argv: another argument of the same program is asked again.
    const other = invoke('asker', { command: ['echo', 'pinned', 'aXb'] });
    const second = await nextPrompt();
    expect(second.argv).toEqual(['echo', 'pinned', 'aXb']);
    await operator.request('exec.approval.resolve', { id: second.id, decision: 'deny' });
    expect(nodeError(await other)).toMatchObject({ code: 'EXEC_DENIED' });
  }, 60_000);

  it('under ask, refuses an unsafe variable without putting it to the operators', async () => {
    operator.events.length = 0;
    const answer = await invoke('asker', { command: ['bash', '-c', 'true'], env: { BASH_ENV: path.join(work, 'evil.sh') } });
    expect(nodeError(answer)).toMatchObject({ code: 'EXEC_DENIED', message: expect.stringContaining('env refused: BASH_ENV') });
    expect(operator.events.filter((e) => e.event === 'exec.approval.requested')).toEqual([]);
    expect(fs.existsSync(marker('bash-env'))).toBe(false);
  });

  it('the agent is offered no env for node_invoke and cannot smuggle one to a node', async () => {
    const content = await agentTurn({
      id: 'smuggle-node',
      name: 'node_invoke',
      arguments: {
        node: 'locked',
        command: 'system.run',
        params: { command: ['bash', '-c', 'true'], env: { BASH_ENV: path.join(work, 'evil.sh') } },
      },
    });
    expect(content).toContain('node_invoke refused: env refused: BASH_ENV is not one of the variables');
    expect(fs.existsSync(marker('bash-env'))).toBe(false);

    const tools = model.requests.at(-1)!.body.tools as unknown as Array<{ function: { name: string; description: string } }>;
    const nodeInvoke = tools.find((tool) => tool.function.name === 'node_invoke')!;
    expect(JSON.stringify(nodeInvoke)).not.toMatch(/env/);
  }, 40_000);

  it('the agent cannot smuggle env into the gateway host exec either', async () => {
    operator.events.length = 0;
    const content = await agentTurn({
      id: 'smuggle-gateway',
      name: 'exec',
      arguments: { argv: [process.execPath, '-e', '0'], env: { NODE_OPTIONS: `--require ${path.join(work, 'evil.js')}` } },
    });
    expect(content).toContain('exec refused: env refused: NODE_OPTIONS is not one of the variables');
    expect(operator.events.filter((e) => e.event === 'exec.approval.requested')).toEqual([]);
    expect(fs.existsSync(marker('node-options'))).toBe(false);
  }, 40_000);

  it('on the gateway host, shows argv, cwd and env, and "allow always" allows only that argv', async () => {
    const run = agentTurn({ id: 'gw-one', name: 'exec', arguments: { argv: ['echo', 'gw', 'one'], env: { TZ: 'UTC' } } });
    const prompt = await nextPrompt();
    expect(prompt).toMatchObject({ host: 'gateway', argv: ['echo', 'gw', 'one'], cwd: expect.any(String), env: { TZ: 'UTC' } });
    await operator.request('exec.approval.resolve', { id: prompt.id, decision: 'allow-always' });
    expect(await run).toContain('gw one');

    operator.events.length = 0;
    expect(await agentTurn({ id: 'gw-one-again', name: 'exec', arguments: { argv: ['echo', 'gw', 'one'] } })).toContain('gw one');
    expect(operator.events.filter((e) => e.event === 'exec.approval.requested')).toEqual([]);

    const other = agentTurn({ id: 'gw-two', name: 'exec', arguments: { argv: ['echo', 'gw', 'two'] } });
    const second = await nextPrompt();
    expect(second.argv).toEqual(['echo', 'gw', 'two']);
    await operator.request('exec.approval.resolve', { id: second.id, decision: 'deny' });
    expect(await other).toMatch(/denied/);
  }, 60_000);
});
