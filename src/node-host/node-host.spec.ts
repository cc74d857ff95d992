import { EventEmitter } from 'node:events';
import { GatewayClientError } from '../common/client';
import type { HelloOk } from '../common/protocol';
import { InvokeDispatcher } from './invoke-dispatcher';
import { InvokeErrors } from './invoke-errors';
import type { NodeCommand } from './invoke-types';
import { GatewayLink, NodeHost } from './node-host';
import type { NodeHostEvent } from './node-host-events';

const hello = (connId: string, extra: Partial<HelloOk> = {}): HelloOk => ({
  type: 'hello-ok',
  protocol: 3,
  server: { version: 'x', connId },
  features: { methods: [], events: [] },
  snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 0 },
  policy: { maxPayload: 512 * 1024, maxBufferedBytes: 1 << 20, tickIntervalMs: 1_000 },
  ...extra,
});

/** Plays GatewayClient: lifecycle events in, requests recorded. */
class FakeLink extends EventEmitter implements GatewayLink {
  hello?: HelloOk;
  readonly requests: Array<{ method: string; params: any }> = [];
  readonly handlers = new Map<string, (payload: unknown) => void>();
  started = false;
  stopped = false;
  failRequests?: Error;

  start(): void {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  async request(method: string, params?: unknown): Promise<unknown> {
    if (this.failRequests) throw this.failRequests;
    this.requests.push({ method, params });
    return { ok: true };
  }

  onEvent(name: string, handler: (payload: unknown) => void): () => void {
    this.handlers.set(name, handler);
    return () => this.handlers.delete(name);
  }

  gatewayEvent(name: string, payload: unknown): void {
    this.handlers.get(name)?.(payload);
  }
}

function setup(commands: NodeCommand[] = []) {
  const link = new FakeLink();
  const events: NodeHostEvent[] = [];
  let clock = 1_000;
  const host = new NodeHost(link, new InvokeDispatcher(commands), {
    url: 'ws://gw',
    credentialSource: '--token',
    nodeId: 'node-1',
    displayName: 'box',
    execPolicy: 'deny',
    now: () => (clock += 5),
  });
  host.onEvent((event) => events.push(event));
  const results = () => link.requests.filter((r) => r.method === 'node.invoke.result').map((r) => r.params);
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return { link, host, events, results, settle };
}

const echo: NodeCommand = { name: 'test.echo', run: async (params) => ({ params }) };

describe(NodeHost.name, () => {
  describe('lifecycle', () => {
    it('reports starting with what it serves and starts the link', () => {
      const { host, link, events } = setup([echo]);
      host.start();
      expect(link.started).toBe(true);
      expect(events).toEqual([
        { event: 'starting', url: 'ws://gw', nodeId: 'node-1', displayName: 'box', execPolicy: 'deny', commands: ['test.echo'] },
      ]);
    });

    it('reports connected, disconnected and reconnecting from the link', () => {
      // Arrange
      const { link, events } = setup();
      // Act
      link.emit('connected', hello('c-1', { auth: { deviceToken: 'dt', role: 'node', scopes: [] } }));
      link.emit('disconnected', { code: 1012, reason: 'service restart' });
      link.emit('reconnecting', { attempt: 1, delayMs: 400 });
      // Assert
      expect(events).toEqual([
        { event: 'connected', url: 'ws://gw', connId: 'c-1', deviceTokenIssued: true },
        { event: 'disconnected', code: 1012, reason: 'service restart' },
        { event: 'reconnecting', attempt: 1, delayMs: 400 },
      ]);
    });

    it('reports the gateway shutdown event', () => {
      const { link, events } = setup();
      link.gatewayEvent('shutdown', { reason: 'restart', restartExpectedMs: 500 });
      expect(events).toEqual([{ event: 'gateway-shutdown', reason: 'restart', restartExpectedMs: 500 }]);
    });

    it('stops the link and reports stopping then stopped', async () => {
      // Arrange
      const { host, link, events } = setup();
      // Act
      await host.stop('SIGTERM');
      await host.stopped();
      // Assert
      expect(link.stopped).toBe(true);
      expect(events).toEqual([{ event: 'stopping', signal: 'SIGTERM' }, { event: 'stopped' }]);
    });

    it('aborts running commands on stop and lets them answer first', async () => {
      // Arrange
      const slow: NodeCommand = {
        name: 'test.slow',
        run: (_params, context) =>
          new Promise((resolve) => context.signal.addEventListener('abort', () => resolve({ aborted: true }))),
      };
      const { host, link, results } = setup([slow]);
      link.hello = hello('c-1');
      link.gatewayEvent('node.invoke.request', { id: 'i1', nodeId: 'node-1', command: 'test.slow' });
      // Act
      await host.stop();
      // Assert
      expect(results()).toEqual([{ id: 'i1', nodeId: 'node-1', ok: true, payload: { aborted: true } }]);
      expect(link.stopped).toBe(true);
    });
  });

  describe('connect failures', () => {
    it('prints the approval command while pairing is pending', () => {
      const { link, events } = setup();
      link.emit(
        'error',
        new GatewayClientError('handshake-refused', 'pairing required', {
          error: { code: 'NOT_PAIRED', message: 'pairing required', details: { requestId: 'r-9' } },
        }),
      );
      expect(events).toEqual([
        {
          event: 'waiting-approval',
          requestId: 'r-9',
          message: 'waiting for approval: run `nestclaw devices approve r-9` on the gateway host',
        },
      ]);
    });

    it('marks a failure repeated until a connect succeeds', () => {
      // Arrange
      const { link, events } = setup();
      const refused = new GatewayClientError('unreachable', 'connection refused (ECONNREFUSED)');
      // Act
      link.emit('error', refused);
      link.emit('error', refused);
      link.emit('connected', hello('c-1'));
      link.emit('error', refused);
      // Assert
      const repeated = events.filter((e) => e.event === 'error').map((e) => (e as { repeated: boolean }).repeated);
      expect(repeated).toEqual([false, true, false]);
      expect(events[0]).toMatchObject({
        reason: 'connection refused (ECONNREFUSED)',
        fix: expect.stringContaining('is the gateway running'),
      });
    });
  });

  describe('invokes', () => {
    it('answers each request with node.invoke.result carrying its id and node id', async () => {
      // Arrange
      const { link, results, events, settle } = setup([echo]);
      link.hello = hello('c-1');
      // Act
      link.gatewayEvent('node.invoke.request', { id: 'i1', nodeId: 'node-1', command: 'test.echo', paramsJSON: '{"a":1}' });
      await settle();
      // Assert
      expect(results()).toEqual([{ id: 'i1', nodeId: 'node-1', ok: true, payload: { params: { a: 1 } } }]);
      expect(events).toEqual([
        { event: 'invoke', id: 'i1', command: 'test.echo', ok: true, durationMs: 5, notes: [], delivered: true },
      ]);
    });

    it('echoes the node id the gateway used', async () => {
      const { link, results, settle } = setup([echo]);
      link.gatewayEvent('node.invoke.request', { id: 'i1', nodeId: 'legacy-id', command: 'test.echo' });
      await settle();
      expect(results()[0].nodeId).toBe('legacy-id');
    });

    it('answers an unknown command with UNKNOWN_COMMAND', async () => {
      const { link, results, events, settle } = setup([echo]);
      link.gatewayEvent('node.invoke.request', { id: 'i1', nodeId: 'node-1', command: 'camera.snap' });
      await settle();
      expect(results()).toEqual([
        { id: 'i1', nodeId: 'node-1', ok: false, error: { code: 'UNKNOWN_COMMAND', message: expect.any(String) } },
      ]);
      expect(events[0]).toMatchObject({ event: 'invoke', ok: false, code: 'UNKNOWN_COMMAND' });
    });

    it('runs a duplicate delivery of a running request once', async () => {
      // Arrange
      let release!: () => void;
      const run = jest.fn(() => new Promise((resolve) => (release = () => resolve('done'))));
      const { link, results, settle } = setup([{ name: 'test.wait', run }]);
      // Act
      link.gatewayEvent('node.invoke.request', { id: 'i1', command: 'test.wait' });
      link.gatewayEvent('node.invoke.request', { id: 'i1', command: 'test.wait' });
      release();
      await settle();
      // Assert
      expect(run).toHaveBeenCalledTimes(1);
      expect(results()).toHaveLength(1);
    });

    it('ignores a request without an id and says so', async () => {
      const { link, results, events, settle } = setup([echo]);
      link.gatewayEvent('node.invoke.request', { command: 'test.echo' });
      await settle();
      expect(results()).toEqual([]);
      expect(events).toEqual([{ event: 'invoke-ignored', reason: 'a node.invoke.request without an id cannot be answered' }]);
    });

    it('logs an unexpected failure locally and sends only a generic error', async () => {
      // Arrange
      const broken: NodeCommand = { name: 'test.broken', run: async () => Promise.reject(new Error('EIO: disk gone')) };
      const { link, results, events, settle } = setup([broken]);
      // Act
      link.gatewayEvent('node.invoke.request', { id: 'i1', command: 'test.broken' });
      await settle();
      // Assert
      expect(results()[0]).toMatchObject({ ok: false, error: { code: 'NODE_ERROR' } });
      expect(JSON.stringify(results())).not.toContain('disk gone');
      expect(events[0]).toEqual({ event: 'internal-error', message: 'test.broken failed: EIO: disk gone' });
    });

    it('reports a result it could not deliver', async () => {
      const { link, events, settle } = setup([
        { name: 'test.no', run: async () => Promise.reject(InvokeErrors.execDenied('no')) },
      ]);
      link.failRequests = new GatewayClientError('closed', 'not connected to the gateway');
      link.gatewayEvent('node.invoke.request', { id: 'i1', command: 'test.no' });
      await settle();
      expect(events[0]).toMatchObject({
        event: 'invoke',
        ok: false,
        code: 'EXEC_DENIED',
        delivered: false,
        deliveryError: 'not connected to the gateway',
      });
    });

    it('fits the result to the frame limit the gateway advertised', async () => {
      // Arrange
      const big: NodeCommand = {
        name: 'test.big',
        run: async () => ({
          exitCode: 0,
          stdout: 'x'.repeat(10_000),
          stderr: '',
          timedOut: false,
          truncated: { stdout: false, stderr: false },
        }),
      };
      const { link, results, settle } = setup([big]);
      link.hello = hello('c-1', { policy: { maxPayload: 4_096, maxBufferedBytes: 1 << 20, tickIntervalMs: 1_000 } });
      // Act
      link.gatewayEvent('node.invoke.request', { id: 'i1', command: 'test.big' });
      await settle();
      // Assert
      expect(results()[0].payload.truncated.stdout).toBe(true);
      expect(JSON.stringify(results()[0]).length).toBeLessThan(4_096);
    });

    it('ignores requests once stopping', async () => {
      const { host, link, results, settle } = setup([echo]);
      await host.stop();
      link.gatewayEvent('node.invoke.request', { id: 'i1', command: 'test.echo' });
      await settle();
      expect(results()).toEqual([]);
    });
  });
});
