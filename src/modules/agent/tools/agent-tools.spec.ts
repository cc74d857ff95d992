import { Logger } from '@nestjs/common';
import type { GatewayRuntime } from '../../config/gateway-runtime';
import { NodesErrors } from '../../nodes/nodes.errors';
import type { NodesService } from '../../nodes/nodes.service';
import type { InvokeNodeRequest, NodeSummary } from '../../nodes/nodes.types';
import { AgentTools, MAX_TOOL_RESULT_CHARS } from './agent-tools';
import type { HostExecRunner, HostExecSpec } from './host-exec.runner';
import type { ExecApprovalsService } from '../../approvals/exec-approvals.service';
import type { ExecApprovalAnswer } from '../../../common/protocol';

const NODES: NodeSummary[] = [
  {
    nodeId: 'n1',
    displayName: 'garage',
    platform: 'linux',
    caps: [],
    commands: ['system.run'],
    permissions: {},
    paired: true,
    connected: true,
  },
  { nodeId: 'n2', displayName: 'attic', caps: [], commands: [], permissions: {}, paired: true, connected: false },
];

function setup(exec: { enabled: boolean; allowlist?: string[]; ask?: boolean } = { enabled: false }, nodeList = NODES) {
  const invoke = jest.fn<Promise<unknown>, [InvokeNodeRequest]>();
  const nodes = { list: () => nodeList, invoke } as unknown as NodesService;
  const run = jest.fn<Promise<unknown>, [HostExecSpec]>();
  const gateway = { config: { tools: { exec: { allowlist: [], ask: false, ...exec } } } } as unknown as GatewayRuntime;
  const approvalsRequest = jest.fn<Promise<ExecApprovalAnswer>, [Record<string, unknown>, { signal?: AbortSignal }]>();
  const allowedForGood = new Set<string>();
  const approvals = {
    request: approvalsRequest,
    isAllowedOnGateway: (argv: string[]) => allowedForGood.has(argv.join(' ')),
  } as unknown as ExecApprovalsService;
  const tools = new AgentTools(nodes, { run } as unknown as HostExecRunner, gateway, approvals);
  const call = (name: string, args: unknown) =>
    tools.execute(
      { name, arguments: typeof args === 'string' ? args : JSON.stringify(args), callId: 'c1' },
      { runId: 'r1', signal: new AbortController().signal, sessionKey: 'main' },
    );
  return { tools, invoke, run, call, approvalsRequest, allowedForGood };
}

const OK_RUN = {
  exitCode: 0,
  signal: null,
  stdout: '',
  stderr: '',
  timedOut: false,
  truncated: { stdout: false, stderr: false },
};

describe(AgentTools.name, () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  describe('definitions', () => {
    it('offers system.run env only when a connected node takes any env', () => {
      const description = (nodes: NodeSummary[]) =>
        setup(undefined, nodes)
          .tools.definitions()
          .find((t) => t.name === 'node_invoke')!.description;
      expect(description(NODES)).not.toMatch(/env/);
      expect(description([{ ...NODES[0], permissions: { exec: true, execEnv: true } }])).toMatch(
        /Only on garage: system\.run also takes env/,
      );
    });

    it('offers exec only when tools.exec.enabled', () => {
      expect(
        setup()
          .tools.definitions()
          .map((t) => t.name),
      ).toEqual(['nodes_list', 'node_invoke']);
      expect(
        setup({ enabled: true })
          .tools.definitions()
          .map((t) => t.name),
      ).toEqual(['nodes_list', 'node_invoke', 'exec']);
    });
  });

  describe('execute', () => {
    it('lists connected nodes for nodes_list', async () => {
      const outcome = await setup().call('nodes_list', {});
      expect(outcome.ok).toBe(true);
      expect(JSON.parse(outcome.content)).toEqual([{ name: 'garage', id: 'n1', platform: 'linux', commands: ['system.run'] }]);
    });

    it('accepts empty arguments text', async () => {
      expect((await setup().call('nodes_list', '')).ok).toBe(true);
    });

    it('invokes the node and returns its payload as JSON text', async () => {
      const { call, invoke } = setup();
      invoke.mockResolvedValue({ ok: true, payload: { exitCode: 0 }, payloadJSON: '{"exitCode":0,"stdout":"hi\\n"}' });
      const outcome = await call('node_invoke', { node: 'garage', command: 'system.run', params: { command: ['echo', 'hi'] } });
      expect(outcome).toEqual({ ok: true, content: '{"exitCode":0,"stdout":"hi\\n"}' });
      expect(invoke).toHaveBeenCalledWith({
        nodeId: 'garage',
        command: 'system.run',
        params: { command: ['echo', 'hi'] },
        timeoutMs: 30_000,
        idempotencyKey: 'agent:r1:c1',
      });
    });

    it('waits longer than the command timeout the model asked for', async () => {
      const { call, invoke } = setup();
      invoke.mockResolvedValue({ ok: true, payload: null, payloadJSON: null });
      await call('node_invoke', {
        node: 'garage',
        command: 'system.run',
        params: { command: ['sleep', '50'], timeoutMs: 60_000 },
      });
      expect(invoke.mock.calls[0][0].timeoutMs).toBe(65_000);
    });

    it('returns a node error as the tool result instead of throwing', async () => {
      const { call, invoke } = setup();
      invoke.mockRejectedValue(NodesErrors.notConnected('attic'));
      const outcome = await call('node_invoke', { node: 'attic', command: 'system.run', params: { command: ['ls'] } });
      expect(outcome.ok).toBe(false);
      expect(JSON.parse(outcome.content)).toMatchObject({
        code: 'UNAVAILABLE',
        error: expect.stringMatching(/^node not connected/),
      });
    });

    it('passes the node error details on', async () => {
      const { call, invoke } = setup();
      invoke.mockRejectedValue(NodesErrors.timedOut('n1', 'system.run', 100));
      const outcome = await call('node_invoke', { node: 'n1', command: 'system.run' });
      expect(JSON.parse(outcome.content).nodeError).toEqual({ code: 'TIMEOUT', message: 'no result within 100 ms' });
    });

    it.each([
      ['not JSON', '{node:', 'invalid arguments: not valid JSON'],
      ['not an object', '[1]', 'invalid arguments: expected a JSON object'],
      ['no node', { command: 'system.run' }, 'invalid arguments: node must be a non-empty string'],
      [
        'params not an object',
        { node: 'n1', command: 'system.run', params: ['ls'] },
        'invalid arguments: params must be an object',
      ],
    ])('refuses bad arguments (%s) with a readable error', async (_label, args, message) => {
      const { call, invoke } = setup();
      expect(JSON.parse((await call('node_invoke', args)).content)).toEqual({ error: message });
      expect(invoke).not.toHaveBeenCalled();
    });

    it('refuses system.run env outside the safe list before reaching the node', async () => {
      const { call, invoke } = setup();
      const outcome = await call('node_invoke', {
        node: 'garage',
        command: 'system.run',
        params: { command: ['less', '/etc/hosts'], env: { LESSOPEN: '|touch /tmp/x %s' } },
      });
      expect(outcome.ok).toBe(false);
      expect(JSON.parse(outcome.content).error).toMatch(
        /^node_invoke refused: env refused: LESSOPEN is not one of the variables/,
      );
      expect(outcome.content).not.toContain('touch');
      expect(invoke).not.toHaveBeenCalled();
    });

    it('forwards safe env, and any env to a node whose policy is full', async () => {
      const full = [{ ...NODES[0], permissions: { exec: true, execEnv: true } }];
      const { call, invoke } = setup(undefined, full);
      invoke.mockResolvedValue({ payload: {} });
      await call('node_invoke', { node: 'garage', command: 'system.run', params: { command: ['x'], env: { TERM: 'dumb' } } });
      await call('node_invoke', { node: 'GARAGE', command: 'system.run', params: { command: ['x'], env: { FOO: '1' } } });
      expect(invoke.mock.calls.map(([request]) => (request.params as { env: unknown }).env)).toEqual([
        { TERM: 'dumb' },
        { FOO: '1' },
      ]);
    });

    it('names the available tools for an unknown one', async () => {
      expect(JSON.parse((await setup().call('rm_rf', {})).content).error).toBe(
        'unknown tool "rm_rf"; available tools: nodes_list, node_invoke',
      );
    });

    it('hides an unexpected failure behind a generic message', async () => {
      const { call, invoke } = setup();
      invoke.mockRejectedValue(new Error('/home/me/secret'));
      expect(JSON.parse((await call('node_invoke', { node: 'n1', command: 'x' })).content).error).toBe(
        'the tool failed inside the gateway; see the gateway log',
      );
    });

    it('cuts a huge payload', async () => {
      const { call, invoke } = setup();
      invoke.mockResolvedValue({ ok: true, payload: null, payloadJSON: JSON.stringify({ stdout: 'x'.repeat(50_000) }) });
      const outcome = await call('node_invoke', { node: 'n1', command: 'system.run' });
      expect(outcome.content.length).toBeLessThan(MAX_TOOL_RESULT_CHARS + 100);
      expect(outcome.content).toMatch(/\[cut: \d+ more characters\]$/);
    });

    describe('exec', () => {
      it('refuses when host exec is disabled', async () => {
        const { call, run } = setup();
        expect(JSON.parse((await call('exec', { argv: ['uptime'] })).content).error).toMatch(/tools\.exec\.enabled is false/);
        expect(run).not.toHaveBeenCalled();
      });

      it('refuses a program outside the allowlist, compared exactly', async () => {
        const { call, run } = setup({ enabled: true, allowlist: ['uptime'] });
        for (const argv0 of ['rm', '/usr/bin/uptime', 'UPTIME']) {
          const outcome = await call('exec', { argv: [argv0] });
          expect(JSON.parse(outcome.content).error).toBe(
            `exec refused: "${argv0}" is not in tools.exec.allowlist (allowed: uptime)`,
          );
        }
        expect(run).not.toHaveBeenCalled();
      });

      it('runs an allowlisted program without asking, even with ask on', async () => {
        const { call, run, approvalsRequest } = setup({ enabled: true, allowlist: ['uptime'], ask: true });
        run.mockResolvedValue(OK_RUN);
        expect((await call('exec', { argv: ['uptime'] })).ok).toBe(true);
        expect(approvalsRequest).not.toHaveBeenCalled();
      });

      it('runs a program allowed for good by an earlier approval', async () => {
        const { call, run, allowedForGood } = setup({ enabled: true, allowlist: [] });
        allowedForGood.add('date -u');
        run.mockResolvedValue(OK_RUN);
        expect((await call('exec', { argv: ['date', '-u'] })).ok).toBe(true);
        expect(JSON.parse((await call('exec', { argv: ['date', '-s', 'x'] })).content).error).toMatch(
          /not in tools\.exec\.allowlist/,
        );
        expect(run).toHaveBeenCalledTimes(1);
      });

      it('passes safe env on, shows it in the prompt, and refuses any other variable without asking', async () => {
        const { call, run, approvalsRequest } = setup({ enabled: true, allowlist: [], ask: true });
        approvalsRequest.mockResolvedValue({ id: 'a1', decision: 'allow-once', reason: 'decided', decidedBy: 'cli' });
        run.mockResolvedValue(OK_RUN);
        expect((await call('exec', { argv: ['date'], env: { TZ: 'Europe/Paris' } })).ok).toBe(true);
        expect(approvalsRequest.mock.calls[0][0]).toMatchObject({
          argv: ['date'],
          env: { TZ: 'Europe/Paris' },
          cwd: expect.any(String),
        });
        expect(run.mock.calls[0][0]).toMatchObject({ env: { TZ: 'Europe/Paris' } });

        const refused = await call('exec', { argv: ['date'], env: { LD_PRELOAD: '/tmp/x.so' } });
        expect(JSON.parse(refused.content).error).toMatch(/^exec refused: env refused: LD_PRELOAD is not one of the variables/);
        expect(JSON.parse((await call('exec', { argv: ['date'], env: 'X=1' })).content).error).toMatch(/env must be an object/);
        expect(approvalsRequest).toHaveBeenCalledTimes(1);
        expect(run).toHaveBeenCalledTimes(1);
      });

      it('asks for an unknown program with ask on and runs it when allowed', async () => {
        const { call, run, approvalsRequest } = setup({ enabled: true, allowlist: [], ask: true });
        approvalsRequest.mockResolvedValue({ id: 'a1', decision: 'allow-once', reason: 'decided', decidedBy: 'cli' });
        run.mockResolvedValue(OK_RUN);
        expect((await call('exec', { argv: ['date', '-u'] })).ok).toBe(true);
        expect(approvalsRequest.mock.calls[0][0]).toMatchObject({ host: 'gateway', argv: ['date', '-u'], sessionKey: 'main' });
        expect(run).toHaveBeenCalled();
      });

      it.each([
        [{ reason: 'decided', decidedBy: 'cli' }, 'exec refused: "date" was denied by cli'],
        [{ reason: 'expired', decidedBy: null }, 'exec refused: nobody approved "date" before the approval request expired'],
      ] as const)('refuses when the approval ends in deny (%o)', async (answer, message) => {
        const { call, run, approvalsRequest } = setup({ enabled: true, allowlist: [], ask: true });
        approvalsRequest.mockResolvedValue({ id: 'a1', decision: 'deny', ...answer });
        expect(JSON.parse((await call('exec', { argv: ['date'] })).content).error).toBe(message);
        expect(run).not.toHaveBeenCalled();
      });

      it('runs an allowlisted program with a capped timeout', async () => {
        const { call, run } = setup({ enabled: true, allowlist: ['uptime'] });
        run.mockResolvedValue({
          exitCode: 0,
          signal: null,
          stdout: 'up 3 days\n',
          stderr: '',
          timedOut: false,
          truncated: { stdout: false, stderr: false },
        });
        const outcome = await call('exec', { argv: ['uptime', '-p'], timeoutMs: 999_999 });
        expect(outcome.ok).toBe(true);
        expect(JSON.parse(outcome.content)).toEqual({ exitCode: 0, stdout: 'up 3 days\n', stderr: '', timedOut: false });
        expect(run.mock.calls[0][0]).toMatchObject({ argv: ['uptime', '-p'], timeoutMs: 120_000 });
      });

      it('reports a program that could not start', async () => {
        const { call, run } = setup({ enabled: true, allowlist: ['nothere'] });
        run.mockResolvedValue({
          exitCode: null,
          signal: null,
          stdout: '',
          stderr: '',
          timedOut: false,
          truncated: { stdout: false, stderr: false },
          spawnError: 'ENOENT',
        });
        expect(JSON.parse((await call('exec', { argv: ['nothere'] })).content).error).toBe(
          'exec failed: could not start "nothere" (ENOENT)',
        );
      });

      it('refuses argv that is not a list of strings', async () => {
        const { call } = setup({ enabled: true, allowlist: ['ls'] });
        expect(JSON.parse((await call('exec', { argv: 'ls -la' })).content).error).toBe(
          'invalid arguments: argv must be a non-empty array of strings',
        );
      });
    });
  });
});
