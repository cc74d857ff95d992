import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliRun, runCli } from '../support/cli-process';
import { createTestApp, makeStateDir, TestApp } from '../support/test-app';
import { WsTestClient } from '../support/ws-test-client';

interface Pending {
  id: string;
  host: string;
  nodeId?: string;
  hostName?: string;
  argv: string[];
  resolvedPath?: string;
  expiresAtMs: number;
}

/**
 * Exec approvals with real processes: a node host under `--exec ask`, an
 * operator CLI that invokes a command on it and another that answers the
 * prompt, and a watching operator socket that sees the events.
 */
describe('exec approvals: node host --exec ask, answered with the CLI', () => {
  let app: TestApp;
  let nodeDir: string;
  let node: CliRun;
  let watcher: WsTestClient;
  let reader: WsTestClient;
  const runs: CliRun[] = [];
  const env = () => ({ NESTCLAW_STATE_DIR: app.stateDir, NESTCLAW_GATEWAY_PORT: String(app.port) });
  const cli = async (args: string[]) => {
    const run = runCli(args, env());
    const { code } = await run.exited;
    return { code, output: run.output() };
  };
  const invoke = (argv: string[], invokeTimeoutMs = 60_000) => {
    const run = runCli(
      [
        'nodes',
        'invoke',
        '--node',
        'garage',
        '--command',
        'system.run',
        '--params',
        JSON.stringify({ command: argv }),
        '--invoke-timeout',
        String(invokeTimeoutMs),
        '--json',
      ],
      env(),
    );
    runs.push(run);
    return run;
  };
  const resolutionOf = async (id: string) => {
    for (;;) {
      const event = await watcher.nextEvent('exec.approval.resolved', 10_000);
      if ((event.payload as { id: string }).id === id) return event.payload;
    }
  };
  const nextPrompt = async (): Promise<Pending> =>
    (await watcher.nextEvent('exec.approval.requested', 15_000)).payload as Pending;

  beforeAll(async () => {
    app = await createTestApp();
    nodeDir = makeStateDir();
    node = runCli(
      ['node', 'run', '--url', app.url, '--token', app.token, '--exec', 'ask', '--display-name', 'garage', '--json'],
      { NESTCLAW_STATE_DIR: nodeDir },
    );
    runs.push(node);
    await node.waitFor('"event":"connected"', 20_000);
    watcher = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.approvals'] });
    reader = await WsTestClient.connected(app.url, { auth: { token: app.token }, scopes: ['operator.read'] });
  }, 40_000);

  afterAll(async () => {
    await watcher?.close();
    await reader?.close();
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await app?.close();
    fs.rmSync(nodeDir, { recursive: true, force: true });
  });

  it('asks the operators for an unknown program and runs it once when allowed', async () => {
    const run = invoke(['echo', 'approved once']);
    const prompt = await nextPrompt();
    expect(prompt).toMatchObject({
      host: 'node',
      hostName: 'garage',
      argv: ['echo', 'approved once'],
      resolvedPath: expect.stringMatching(/\/echo$/),
    });

    const listed = JSON.parse((await cli(['approvals', 'list', '--json'])).output).pending as Pending[];
    expect(listed.map((p) => p.id)).toEqual([prompt.id]);
    expect((await reader.request('exec.approval.list')).error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'missing scope: operator.approvals',
    });

    const allowed = await cli(['approvals', 'allow', prompt.id]);
    expect(allowed).toMatchObject({ code: 0, output: expect.stringContaining('allowed once') });
    expect(await resolutionOf(prompt.id)).toMatchObject({
      id: prompt.id,
      decision: 'allow-once',
      decidedBy: expect.any(String),
      ts: expect.any(Number),
    });

    expect((await run.exited).code).toBe(0);
    expect(run.output()).toContain('approved once');
    // Once only: nothing was written to the node's approvals file.
    expect(fs.existsSync(path.join(nodeDir, 'exec-approvals.json'))).toBe(false);

    const again = await cli(['approvals', 'deny', prompt.id]);
    expect(again.code).not.toBe(0);
    expect(again.output).toContain('already resolved');
    // Nobody but approvers heard about it.
    expect(reader.events.filter((e) => e.event.startsWith('exec.approval'))).toEqual([]);
  }, 60_000);

  it('refuses with EXEC_DENIED when the operator denies', async () => {
    const run = invoke(['echo', 'never']);
    const prompt = await nextPrompt();
    expect((await cli(['approvals', 'deny', prompt.id])).code).toBe(0);
    expect((await run.exited).code).toBe(1);
    expect(run.output()).toContain('EXEC_DENIED');
    expect(run.output()).toMatch(/was denied by/);
    expect(run.output()).not.toContain('"stdout"');
  }, 60_000);

  it('denies when nobody answers before the prompt expires (bounded by the invoke timeout)', async () => {
    // A 4 s invoke leaves the node 2 s to wait for an answer.
    const run = invoke(['echo', 'too late'], 4_000);
    const prompt = await nextPrompt();
    expect(prompt.expiresAtMs - Date.now()).toBeLessThan(2_500);
    expect(await resolutionOf(prompt.id)).toMatchObject({ id: prompt.id, decision: 'deny', reason: 'expired', decidedBy: null });
    expect((await run.exited).code).toBe(1);
    expect(run.output()).toContain('EXEC_DENIED');
    expect(run.output()).toContain('before the approval request expired');
  }, 30_000);

  it('records allow-always for these exact arguments in the node host file', async () => {
    const first = invoke(['echo', 'always one']);
    const prompt = await nextPrompt();
    expect((await cli(['approvals', 'allow', prompt.id, '--always'])).code).toBe(0);
    expect((await first.exited).code).toBe(0);
    expect(first.output()).toContain('always one');

    const file = path.join(nodeDir, 'exec-approvals.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved).toEqual({
      version: 1,
      agents: {
        '*': {
          allowlist: [{ pattern: prompt.resolvedPath, args: ['always one'], note: expect.stringContaining('allowed always by') }],
        },
      },
    });

    const second = invoke(['echo', 'always one']);
    expect((await second.exited).code).toBe(0);
    expect(second.output()).toContain('always one');
    expect(watcher.events.filter((e) => e.event === 'exec.approval.requested')).toEqual([]);

    // The same program with other arguments is another decision.
    const other = invoke(['echo', 'always two']);
    const again = await nextPrompt();
    expect(again.argv).toEqual(['echo', 'always two']);
    expect((await cli(['approvals', 'deny', again.id])).code).toBe(0);
    expect((await other.exited).code).toBe(1);
    expect(other.output()).not.toContain('"stdout"');
  }, 60_000);
});
