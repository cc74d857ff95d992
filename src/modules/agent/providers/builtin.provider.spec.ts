import type { GatewayRuntime } from '../../config/gateway-runtime';
import { NodesErrors } from '../../nodes/nodes.errors';
import type { NodesService } from '../../nodes/nodes.service';
import type { InvokeNodeRequest, NodeSummary } from '../../nodes/nodes.types';
import type { SessionsService } from '../../sessions/sessions.service';
import type { ProviderTurn } from './agent-provider';
import { BuiltinProvider, formatRunResult } from './builtin.provider';
import { FakeClock } from '../../../../test/support/fake-clock';

const GARAGE: NodeSummary = {
  nodeId: 'a'.repeat(64),
  displayName: 'garage',
  platform: 'linux',
  caps: [],
  commands: ['system.run', 'system.which'],
  permissions: {},
  paired: true,
  connected: true,
};
const ATTIC: NodeSummary = { nodeId: 'attic-pi', caps: [], commands: [], permissions: {}, paired: true, connected: false };

function setup(agent: Record<string, unknown> = { provider: 'builtin' }) {
  const invoke = jest.fn<Promise<unknown>, [InvokeNodeRequest]>();
  const nodes = { list: () => [GARAGE, ATTIC], invoke } as unknown as NodesService;
  const reset = jest.fn();
  const sessions = {
    list: () => [{ sessionKey: 'main:telegram:dm:1', messageCount: 4 }],
    history: () => [],
    reset,
  } as unknown as SessionsService;
  const gateway = { version: '1.2.3', startedAtMs: 1_000_000, config: { agent } } as unknown as GatewayRuntime;
  const provider = new BuiltinProvider(gateway, nodes, sessions, new FakeClock(1_000_000 + 3 * 60_000 + 12_000));
  const ask = async (message: string) =>
    (
      await provider.reply({
        runId: 'run-1',
        sessionKey: 'main:telegram:dm:1',
        message,
        history: [],
        signal: new AbortController().signal,
        timeoutMs: 5_000,
        emit: () => undefined,
      } satisfies ProviderTurn)
    ).text;
  return { provider, ask, invoke, reset };
}

describe(BuiltinProvider.name, () => {
  describe('handles', () => {
    it('claims its commands only', () => {
      const { provider } = setup();
      expect(['/help', '/status', '/nodes', '/run a b', '/reset', '/start', '/help@bot'].every((m) => provider.handles(m))).toBe(
        true,
      );
      expect(['hello', '/weather', 'run /reset'].some((m) => provider.handles(m))).toBe(false);
    });
  });

  describe('reply', () => {
    it('lists the commands for /help', async () => {
      const text = await setup().ask('/help');
      for (const command of ['/status', '/nodes', '/run <node>', '/reset', '/help']) expect(text).toContain(command);
      expect(text).toContain('No model is configured');
    });

    it('tells where other text goes when a model is configured', async () => {
      expect(await setup({ provider: 'openai', model: 'qwen2.5' }).ask('/help')).toContain(
        'Anything else goes to the model (qwen2.5).',
      );
    });

    it('answers /status with version, uptime, nodes and the session', async () => {
      expect(await setup().ask('/status')).toBe(
        [
          'nestclaw 1.2.3, up 3m 12s',
          'model: none (builtin commands only)',
          'nodes: 1 connected (garage)',
          'this conversation: 4 messages (main:telegram:dm:1)',
        ].join('\n'),
      );
    });

    it('names the model endpoint in /status without the rest of its URL', async () => {
      const text = await setup({ provider: 'openai', model: 'llama3', baseUrl: 'http://127.0.0.1:11434/v1' }).ask('/status');
      expect(text).toContain('model: llama3 via 127.0.0.1:11434');
    });

    it('lists nodes with names, ids and commands for /nodes', async () => {
      expect(await setup().ask('/nodes')).toBe(
        [`• garage [${GARAGE.nodeId}] (linux, connected) – system.run, system.which`, '• (no name) [attic-pi] (offline)'].join(
          '\n',
        ),
      );
    });

    it('runs system.run on the node for /run and shows the outcome compactly', async () => {
      const { ask, invoke } = setup();
      invoke.mockResolvedValue({ ok: true, payload: { exitCode: 0, stdout: 'hello world\n', stderr: '', timedOut: false } });
      const text = await ask('/run garage echo "hello world"');
      expect(invoke).toHaveBeenCalledWith({
        nodeId: 'garage',
        command: 'system.run',
        params: { command: ['echo', 'hello world'] },
        idempotencyKey: 'agent:run-1:run',
      });
      expect(text).toBe('garage $ echo hello world\nhello world\nexit code 0');
    });

    it('explains a node error for /run', async () => {
      const { ask, invoke } = setup();
      invoke.mockRejectedValue(NodesErrors.notConnected('attic-pi'));
      expect(await ask('/run attic-pi uptime')).toMatch(/^Could not run that on attic-pi: node not connected/);
    });

    it('shows usage for an incomplete /run', async () => {
      const { ask, invoke } = setup();
      expect(await ask('/run garage')).toMatch(/^Usage: \/run <node> <program>/);
      expect(await ask('/run garage "unbalanced')).toContain('unbalanced double quote');
      expect(invoke).not.toHaveBeenCalled();
    });

    it('resets the session for /reset', async () => {
      const { ask, reset } = setup();
      expect(await ask('/reset')).toMatch(/^Started a fresh conversation/);
      expect(reset).toHaveBeenCalledWith('main:telegram:dm:1');
    });

    it('names an unknown command', async () => {
      expect(await setup().ask('/weather')).toBe('Unknown command /weather. Try /help.');
    });

    it('explains how to configure a model for any other text, naming the config keys', async () => {
      const text = await setup().ask('what is the weather?');
      for (const key of ['agent.provider', 'agent.model', 'agent.baseUrl', 'agent.apiKey']) expect(text).toContain(key);
    });
  });

  describe(formatRunResult.name, () => {
    it('shows stderr, a missing exit code and a timeout', () => {
      expect(formatRunResult('n', ['sleep', '9'], { exitCode: null, stdout: '', stderr: 'killed\n', timedOut: true })).toBe(
        'n $ sleep 9\nstderr: killed\nno exit code (timed out)',
      );
    });

    it('cuts long output', () => {
      const text = formatRunResult('n', ['yes'], { exitCode: 0, stdout: 'y'.repeat(5_000) });
      expect(text.length).toBeLessThan(1_700);
      expect(text).toContain('(3500 more characters)');
    });
  });
});
