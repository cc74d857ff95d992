import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { knownJsonText, MAX_EMBEDDED_JSON_DEPTH, type EventFrame } from '../../common/protocol';
import { Broadcaster } from '../gateway/broadcaster';
import { Connection, ConnectionSession } from '../gateway/connection/connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import type { GatewayRuntime } from '../config/gateway-runtime';
import { toErrorShape } from '../gateway/rpc/wire-errors';
import type { PairingService } from '../pairing/pairing.service';
import type { PairedDevice } from '../pairing/pairing.types';
import { SequentialIds } from '../../../test/support/sequential-ids';
import { NodeCommandPolicy } from './node-command-policy';
import { NodeRegistry } from './node-registry';
import { NodesError } from './nodes.errors';
import { IDEMPOTENCY_TTL_MS, NodesService } from './nodes.service';
import type { InvokeNodeRequest, InvokeNodeResult, InvokeRequestEvent } from './nodes.types';
import { FakeClock } from '../../../test/support/fake-clock';

/** The slice of PairingService the nodes module uses, over a map. */
class FakePairing {
  readonly devices = new Map<string, PairedDevice>();

  pair(deviceId: string, displayName?: string, roles = ['node']): void {
    this.devices.set(deviceId, {
      deviceId,
      publicKey: 'key',
      roles,
      scopes: [],
      displayName,
      platform: 'linux',
      remoteIp: '10.0.0.9',
      createdAtMs: 1,
      approvedAtMs: 1,
    });
  }

  findPairedDevice(deviceId: string): PairedDevice | undefined {
    return this.devices.get(deviceId);
  }

  listPairedDevices(): PairedDevice[] {
    return [...this.devices.values()];
  }

  renameDevice = jest.fn((deviceId: string, displayName: string) => {
    const device = this.devices.get(deviceId);
    if (device) device.displayName = displayName;
    return device !== undefined;
  });
}

interface FakeSocket {
  bufferedAmount: number;
  send: jest.Mock;
  close: jest.Mock;
  terminate: jest.Mock;
}

type SessionFixture = Partial<ConnectionSession> & { clientId?: string; platform?: string; displayName?: string };

let nextConn = 0;

/** A real Connection over a socket that records what it is told. */
function connectionWith(fixture: SessionFixture): { connection: Connection; socket: FakeSocket } {
  const socket: FakeSocket = { bufferedAmount: 0, send: jest.fn(), close: jest.fn(), terminate: jest.fn() };
  const connection = new Connection(
    `conn-${++nextConn}`,
    socket as unknown as WebSocket,
    { clientAddress: '10.0.0.7', isLocal: false },
    'nonce',
    1 << 20,
  );
  const { clientId = 'node-host', platform = 'linux', displayName, ...rest } = fixture;
  connection.session = {
    role: 'node',
    scopes: [],
    client: { id: clientId, version: '1.2.3', platform, mode: 'node', ...(displayName ? { displayName } : {}) },
    caps: [],
    commands: [],
    permissions: {},
    connectedAtMs: 5_000,
    ...rest,
  };
  return { connection, socket };
}

const eventsOf = (socket: FakeSocket): EventFrame[] =>
  socket.send.mock.calls.map(([text]) => JSON.parse(text as string)).filter((frame) => frame.type === 'event');
const invokeRequests = (socket: FakeSocket): InvokeRequestEvent[] =>
  eventsOf(socket)
    .filter((e) => e.event === 'node.invoke.request')
    .map((e) => e.payload as InvokeRequestEvent);

async function rejectionOf(promise: Promise<unknown>): Promise<NodesError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NodesError)) throw new Error(`expected a NodesError, got ${String(error)}`);
  return error;
}

function caught(fn: () => unknown): NodesError {
  try {
    fn();
  } catch (error) {
    if (error instanceof NodesError) return error;
    throw error;
  }
  throw new Error('expected a NodesError');
}

/** The error as the gateway sends it, so these tests assert what a client sees. */
const wire = (error: NodesError) => toErrorShape(error).shape;

describe(NodesService.name, () => {
  let connections: ConnectionRegistry;
  let registry: NodeRegistry;
  let pairing: FakePairing;
  let clock: FakeClock;
  let service: NodesService;

  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  beforeEach(() => {
    connections = new ConnectionRegistry();
    const runtime = {
      config: { gateway: { nodes: { allowCommands: ['custom.*'], denyCommands: ['system.run'] } } },
    } as unknown as GatewayRuntime;
    registry = new NodeRegistry(connections, new NodeCommandPolicy(runtime));
    pairing = new FakePairing();
    clock = new FakeClock();
    service = new NodesService(
      registry,
      new NodeCommandPolicy(runtime),
      pairing as unknown as PairingService,
      new Broadcaster(connections),
      clock,
      new SequentialIds('call'),
    );
    registry.onModuleInit();
    service.onModuleInit();
  });

  afterEach(() => {
    service.onModuleDestroy();
    registry.onModuleDestroy();
    jest.useRealTimers();
  });

  /** A linux node "dev-a" (paired, "Build Box") declaring a few commands. */
  function connectNodeA(extra: SessionFixture = {}) {
    pairing.pair('dev-a', 'Build Box');
    const node = connectionWith({
      deviceId: 'dev-a',
      commands: ['system.which', 'system.run', 'custom.echo', 'camera.snap'],
      ...extra,
    });
    connections.add(node.connection);
    return node;
  }

  /** Every call is marked handled, so one a test leaves open cannot fail the run when afterEach stops the service. */
  function invoke(req: InvokeNodeRequest): Promise<InvokeNodeResult> {
    const call = service.invoke(req);
    call.catch(() => undefined);
    return call;
  }

  const request = (overrides: Partial<InvokeNodeRequest> = {}): InvokeNodeRequest => ({
    nodeId: 'dev-a',
    command: 'system.which',
    params: { bins: ['git'] },
    idempotencyKey: 'key-1',
    ...overrides,
  });

  describe('list', () => {
    it('shows live nodes with what they declared and the allowed commands', () => {
      // Arrange
      connectNodeA({
        caps: ['system'],
        permissions: { exec: true },
        client: { id: 'node-host', version: '1.2.3', platform: 'linux', mode: 'node', deviceFamily: 'server' },
      });

      // Act
      const nodes = service.list();

      // Assert
      expect(nodes).toEqual([
        {
          nodeId: 'dev-a',
          displayName: 'Build Box',
          platform: 'linux',
          version: '1.2.3',
          deviceFamily: 'server',
          remoteIp: '10.0.0.7',
          caps: ['system'],
          commands: ['system.which', 'custom.echo'],
          permissions: { exec: true },
          connectedAtMs: 5_000,
          paired: true,
          connected: true,
        },
      ]);
    });

    it('adds offline paired nodes after the connected ones, and skips devices paired only as operators', () => {
      // Arrange
      connections.add(connectionWith({ clientId: 'zeta-node', displayName: 'Zeta' }).connection);
      pairing.pair('dev-offline', 'Attic Pi');
      pairing.pair('dev-operator', 'Laptop', ['operator']);

      // Act
      const nodes = service.list();

      // Assert
      expect(nodes.map((n) => [n.nodeId, n.connected, n.paired])).toEqual([
        ['client:zeta-node', true, false],
        ['dev-offline', false, true],
      ]);
      expect(nodes[1]).toEqual({
        nodeId: 'dev-offline',
        displayName: 'Attic Pi',
        platform: 'linux',
        remoteIp: '10.0.0.9',
        caps: [],
        commands: [],
        permissions: {},
        paired: true,
        connected: false,
      });
    });
  });

  describe('lastSeenAtMs', () => {
    it('is the time a paired node went away, for as long as it stays offline', () => {
      // Arrange
      const node = connectNodeA();
      clock.ms += 60_000;
      const leftAtMs = clock.ms;

      // Act
      connections.remove(node.connection, 'disconnect');
      clock.ms += 5_000;

      // Assert
      expect(service.describe('dev-a')).toMatchObject({ connected: false, lastSeenAtMs: leftAtMs });
      expect(service.list()[0]).toMatchObject({ nodeId: 'dev-a', lastSeenAtMs: leftAtMs });
    });

    it("falls back to the device record's last connect after a restart", () => {
      // Arrange
      pairing.pair('dev-offline', 'Attic Pi');
      pairing.devices.get('dev-offline')!.lastSeenAtMs = 42_000;

      // Act
      const summary = service.describe('dev-offline');

      // Assert
      expect(summary).toMatchObject({ connected: false, lastSeenAtMs: 42_000 });
    });

    it('is left out for a connected node, which is seen now', () => {
      // Arrange
      connectNodeA();

      // Act
      const summary = service.describe('dev-a');

      // Assert
      expect(summary.connected).toBe(true);
      expect(summary).not.toHaveProperty('lastSeenAtMs');
    });
  });

  describe('describe', () => {
    it('finds a node by id or by display name, ignoring case', () => {
      // Arrange
      connectNodeA();

      // Act / Assert
      expect(service.describe('dev-a').nodeId).toBe('dev-a');
      expect(service.describe('build box').nodeId).toBe('dev-a');
    });

    it('refuses an unknown node', () => {
      expect(wire(caught(() => service.describe('nobody')))).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(/^unknown node/),
      });
    });

    it('refuses an ambiguous display name and lists the ids', () => {
      // Arrange
      pairing.pair('dev-one', 'Pi');
      pairing.pair('dev-two', 'pi');

      // Act
      const error = caught(() => service.describe('PI'));

      // Assert
      expect(wire(error)).toMatchObject({ code: 'INVALID_REQUEST', details: { nodeIds: ['dev-one', 'dev-two'] } });
    });

    it('gives a name shared with a node that proved no device key to the paired node', () => {
      // Arrange
      connections.add(connectionWith({ clientId: 'dev-two', displayName: 'Pi' }).connection);
      pairing.pair('dev-two', 'pi');

      // Act / Assert
      expect(service.describe('PI').nodeId).toBe('dev-two');
      expect(service.describe('client:dev-two').paired).toBe(false);
    });
  });

  describe('invokePolicyCommand', () => {
    it('refuses the allowlist commands on node.invoke and the agent tool, and sends them only through its own path', async () => {
      const node = connectNodeA({ commands: ['system.run', 'system.execApprovals.get', 'system.execApprovals.set'] });
      expect(
        wire(await rejectionOf(invoke(request({ command: 'system.execApprovals.set', params: { file: {} } })))),
      ).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('use exec.approvals.node.get/set'),
      });
      expect(invokeRequests(node.socket)).toEqual([]);
      const call = service.invokePolicyCommand('dev-a', 'system.execApprovals.get', {});
      call.catch(() => undefined);
      const [sent] = invokeRequests(node.socket);
      expect(sent).toMatchObject({ command: 'system.execApprovals.get', paramsJSON: '{}' });
      service.acceptResult({ id: sent.id, nodeId: 'dev-a', ok: true, payload: { ok: 1 } }, node.connection);
      await expect(call).resolves.toMatchObject({ payload: { ok: 1 } });
      expect(wire(await rejectionOf(service.invokePolicyCommand('dev-a', 'system.run', {})))).toMatchObject({
        code: 'INVALID_REQUEST',
      });
    });
  });

  describe('invoke', () => {
    it('sends the node a node.invoke.request and resolves with its result', async () => {
      // Arrange
      const node = connectNodeA();

      // Act
      const call = invoke(request({ timeoutMs: 5_000 }));
      const [sent] = invokeRequests(node.socket);
      expect(
        service.acceptResult({ id: sent.id, nodeId: 'dev-a', ok: true, payload: { found: ['/usr/bin/git'] } }, node.connection),
      ).toEqual({ ok: true });

      // Assert
      expect(sent).toEqual({
        id: 'call-1',
        nodeId: 'dev-a',
        command: 'system.which',
        paramsJSON: '{"bins":["git"]}',
        timeoutMs: 5_000,
        idempotencyKey: 'key-1',
      });
      await expect(call).resolves.toEqual({
        ok: true,
        nodeId: 'dev-a',
        command: 'system.which',
        payload: { found: ['/usr/bin/git'] },
        payloadJSON: '{"found":["/usr/bin/git"]}',
      });
    });

    it.each<[string, object, unknown, string | null]>([
      ['payloadJSON only', { payloadJSON: '{"n":1}' }, { n: 1 }, '{"n":1}'],
      ['neither', {}, null, null],
      ['a null payload', { payload: null }, null, 'null'],
    ])('maps a result with %s', async (_name, fields, payload, payloadJSON) => {
      // Arrange
      const node = connectNodeA();
      const call = invoke(request({ params: undefined }));

      // Act
      service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, ...fields }, node.connection);

      // Assert
      expect(invokeRequests(node.socket)[0]).not.toHaveProperty('paramsJSON');
      await expect(call).resolves.toMatchObject({ payload, payloadJSON });
    });

    it.each<[string, object, boolean]>([
      ['a payload the gateway serialized', { payload: { found: ['/usr/bin/git'], n: 1.5 } }, true],
      ['a null payload', { payload: null }, true],
      ["the node's own payloadJSON text", { payloadJSON: '{ "n" : 1 }' }, false],
      ['neither', {}, false],
    ])('records the exact answer text only for %s', async (_name, fields, recorded) => {
      // Arrange
      const node = connectNodeA();
      const call = invoke(request());

      // Act
      service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, ...fields }, node.connection);
      const result = await call;

      // Assert
      expect(knownJsonText(result)).toBe(recorded ? JSON.stringify(result) : undefined);
    });

    it('resolves a node by display name', async () => {
      // Arrange
      const node = connectNodeA();

      // Act
      const call = invoke(request({ nodeId: 'BUILD BOX' }));
      service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 1 }, node.connection);

      // Assert
      await expect(call).resolves.toMatchObject({ nodeId: 'dev-a' });
    });

    it.each([
      ['an unknown node', 'nobody'],
      ['a paired node that is offline', 'dev-offline'],
    ])('answers UNAVAILABLE for %s', async (_name, nodeId) => {
      // Arrange
      pairing.pair('dev-offline');

      // Act
      const error = await rejectionOf(invoke(request({ nodeId })));

      // Assert
      expect(wire(error)).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/^node not connected/) });
    });

    it.each([
      ['system.run', 'denied'],
      ['camera.snap', 'not-allowlisted'],
      ['custom.other', 'not-declared'],
    ])('refuses %s as %s without sending anything', async (command, reason) => {
      // Arrange
      const node = connectNodeA();

      // Act
      const error = await rejectionOf(invoke(request({ command })));

      // Assert
      expect(wire(error)).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringMatching(/^node command not allowed/),
        details: { reason, command, nodeId: 'dev-a', allowedCommands: ['system.which', 'custom.echo'] },
      });
      expect(invokeRequests(node.socket)).toEqual([]);
    });

    it('turns a node error into UNAVAILABLE with details.nodeError', async () => {
      // Arrange
      const node = connectNodeA();
      const call = invoke(request());

      // Act
      service.acceptResult(
        { id: 'call-1', nodeId: 'dev-a', ok: false, error: { code: 'NOT_FOUND', message: 'no such binary' } },
        node.connection,
      );

      // Assert
      expect(wire(await rejectionOf(call))).toMatchObject({
        code: 'UNAVAILABLE',
        details: { nodeError: { code: 'NOT_FOUND', message: 'no such binary' } },
      });
    });

    it('fills in a node error without a code or message', async () => {
      // Arrange
      const node = connectNodeA();
      const call = invoke(request());

      // Act
      service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: false }, node.connection);

      // Assert
      expect(wire(await rejectionOf(call))).toMatchObject({ details: { nodeError: { code: 'NODE_ERROR' } } });
    });

    it('refuses params JSON cannot carry', async () => {
      // Arrange
      connectNodeA();

      // Act
      const error = await rejectionOf(invoke(request({ params: { n: BigInt(1) } })));

      // Assert
      expect(wire(error)).toMatchObject({ code: 'INVALID_REQUEST', details: { fields: ['params'] } });
    });

    it('refuses params nested past the budget, after the node and the command, as the refusals go', async () => {
      // Arrange
      let deep: unknown = 1;
      for (let i = 0; i < MAX_EMBEDDED_JSON_DEPTH + 1; i++) deep = [deep];
      const offline = await rejectionOf(invoke(request({ params: deep })));
      connectNodeA();

      // Act
      const tooDeep = await rejectionOf(invoke(request({ params: deep })));

      // Assert
      expect(wire(offline)).toMatchObject({ details: { reason: 'not-connected' } });
      expect(wire(tooDeep)).toMatchObject({ code: 'INVALID_REQUEST', details: { fields: ['params'] } });
    });

    describe('timeout', () => {
      it('fails after 30 s by default with nodeError.code TIMEOUT', async () => {
        // Arrange
        jest.useFakeTimers();
        connectNodeA();
        const call = invoke(request());
        let settled = false;
        void call.then(
          () => (settled = true),
          () => (settled = true),
        );

        // Act
        jest.advanceTimersByTime(29_999);
        await Promise.resolve();
        expect(settled).toBe(false);
        jest.advanceTimersByTime(1);

        // Assert
        expect(wire(await rejectionOf(call))).toMatchObject({
          code: 'UNAVAILABLE',
          details: { nodeError: { code: 'TIMEOUT' } },
        });
      });

      it('uses the timeout asked for, capped at 10 minutes', async () => {
        // Arrange
        jest.useFakeTimers();
        const node = connectNodeA();

        // Act
        const short = invoke(request({ timeoutMs: 250, idempotencyKey: 'short' }));
        void invoke(request({ timeoutMs: 3_600_000, idempotencyKey: 'long' }));
        jest.advanceTimersByTime(250);

        // Assert
        expect(wire(await rejectionOf(short))).toMatchObject({ details: { nodeError: { code: 'TIMEOUT' } } });
        expect(invokeRequests(node.socket).map((r) => r.timeoutMs)).toEqual([250, 600_000]);
      });

      it('acknowledges a result that comes after the timeout as ignored', async () => {
        // Arrange
        jest.useFakeTimers();
        const node = connectNodeA();
        const call = invoke(request({ timeoutMs: 100 }));
        jest.advanceTimersByTime(100);
        await rejectionOf(call);

        // Act
        const ack = service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 'late' }, node.connection);

        // Assert
        expect(ack).toEqual({ ok: true, ignored: true });
      });
    });

    describe('disconnect', () => {
      it('fails the call at once when the node disconnects', async () => {
        // Arrange
        const node = connectNodeA();
        const call = invoke(request());

        // Act
        connections.remove(node.connection, 'disconnect');

        // Assert
        expect(wire(await rejectionOf(call))).toMatchObject({
          code: 'UNAVAILABLE',
          details: { nodeError: { code: 'DISCONNECTED' } },
        });
      });

      it('fails the call at once when the node reconnects on a new connection', async () => {
        // Arrange
        connectNodeA();
        const call = invoke(request());

        // Act
        const again = connectionWith({ deviceId: 'dev-a', commands: ['system.which'] });
        connections.add(again.connection);

        // Assert
        expect(wire(await rejectionOf(call))).toMatchObject({
          details: { nodeError: { code: 'DISCONNECTED', message: expect.stringContaining('new connection') } },
        });
      });

      it('leaves calls on other nodes alone', async () => {
        // Arrange
        connectNodeA();
        const other = connectionWith({ clientId: 'other', commands: ['system.which'] });
        connections.add(other.connection);
        const call = invoke(request({ nodeId: 'client:other' }));

        // Act
        connections.remove(registry.get('dev-a')!.connection, 'disconnect');
        service.acceptResult({ id: 'call-1', nodeId: 'client:other', ok: true, payload: 'fine' }, other.connection);

        // Assert
        await expect(call).resolves.toMatchObject({ payload: 'fine' });
      });

      it('fails pending calls when the gateway stops', async () => {
        // Arrange
        connectNodeA();
        const call = invoke(request());

        // Act
        service.onModuleDestroy();

        // Assert
        expect(wire(await rejectionOf(call))).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      });
    });

    describe('idempotency', () => {
      it('joins a call still in flight instead of sending it twice', async () => {
        // Arrange
        const node = connectNodeA();

        // Act
        const first = invoke(request());
        // Same params in another key order: the same request.
        const second = invoke(request({ params: { bins: ['git'] }, timeoutMs: 5_000 }));
        service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 'once' }, node.connection);

        // Assert
        expect(invokeRequests(node.socket)).toHaveLength(1);
        expect(await second).toEqual(await first);
      });

      it('replays the first outcome within 5 minutes of it, then runs again', async () => {
        // Arrange
        const node = connectNodeA();
        const first = invoke(request());
        service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 'once' }, node.connection);
        await first;

        // Act
        clock.ms += IDEMPOTENCY_TTL_MS - 1;
        const replay = await invoke(request());
        clock.ms += 1;
        void invoke(request());

        // Assert
        expect(replay).toMatchObject({ payload: 'once' });
        expect(invokeRequests(node.socket).map((r) => r.id)).toEqual(['call-1', 'call-2']);
      });

      it('replays a failure the node reported', async () => {
        // Arrange
        const node = connectNodeA();
        const first = invoke(request());
        service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: false, error: { code: 'E', message: 'm' } }, node.connection);
        await rejectionOf(first);

        // Act
        const replay = await rejectionOf(invoke(request()));

        // Assert
        expect(wire(replay)).toMatchObject({ details: { nodeError: { code: 'E' } } });
        expect(invokeRequests(node.socket)).toHaveLength(1);
      });

      it('replays by node id also when the node is addressed by name or has gone offline', async () => {
        // Arrange
        const node = connectNodeA();
        const first = invoke(request());
        service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 'once' }, node.connection);
        await first;
        connections.remove(node.connection, 'disconnect');

        // Act
        const replay = await invoke(request({ nodeId: 'Build Box' }));

        // Assert
        expect(replay).toMatchObject({ payload: 'once' });
      });

      it('keys per caller and node', () => {
        // Arrange
        const node = connectNodeA();
        const other = connectionWith({ clientId: 'other', commands: ['system.which'] });
        connections.add(other.connection);

        // Act
        void invoke(request());
        void invoke(request({ caller: 'device:someone-else' }));
        void invoke(request({ nodeId: 'client:other' }));

        // Assert
        expect(invokeRequests(node.socket)).toHaveLength(2);
        expect(invokeRequests(other.socket)).toHaveLength(1);
      });

      it.each([
        ['other params', { params: { bins: ['rm'] } }],
        ['no params', { params: undefined }],
        ['another command', { command: 'custom.echo' }],
      ])('refuses the key reused with %s, in flight and after, and sends nothing', async (_name, change) => {
        // Arrange
        const node = connectNodeA();
        const first = invoke(request());

        // Act
        const whileInFlight = await rejectionOf(invoke(request(change)));
        service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 'once' }, node.connection);
        await first;
        const afterwards = await rejectionOf(invoke(request(change)));

        // Assert
        for (const refusal of [whileInFlight, afterwards]) {
          expect(wire(refusal)).toMatchObject({
            code: 'INVALID_REQUEST',
            message: expect.stringContaining('send a new idempotencyKey'),
            details: { reason: 'idempotency-key-reused' },
          });
        }
        expect(invokeRequests(node.socket)).toHaveLength(1);
      });

      it('does not remember a refusal, so the retry runs once the node is back', async () => {
        // Arrange
        await rejectionOf(invoke(request()));
        const node = connectNodeA();

        // Act
        void invoke(request());

        // Assert
        expect(invokeRequests(node.socket)).toHaveLength(1);
      });
    });
  });

  describe('acceptResult', () => {
    it('refuses a result that names another node, and the call stays open', async () => {
      // Arrange
      const nodeA = connectNodeA();
      const nodeB = connectionWith({ clientId: 'node-b' });
      connections.add(nodeB.connection);
      const call = invoke(request());

      // Act
      const error = caught(() =>
        service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 'forged' }, nodeB.connection),
      );
      service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 'real' }, nodeA.connection);

      // Assert
      expect(wire(error)).toMatchObject({ code: 'INVALID_REQUEST', details: { reason: 'node-mismatch' } });
      await expect(call).resolves.toMatchObject({ payload: 'real' });
    });

    it("ignores another node's call id under the caller's own node id", async () => {
      // Arrange
      const nodeA = connectNodeA();
      const nodeB = connectionWith({ clientId: 'node-b' });
      connections.add(nodeB.connection);
      const call = invoke(request());

      // Act
      const ack = service.acceptResult({ id: 'call-1', nodeId: 'client:node-b', ok: true, payload: 'forged' }, nodeB.connection);
      service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payload: 'real' }, nodeA.connection);

      // Assert
      expect(ack).toEqual({ ok: true, ignored: true });
      await expect(call).resolves.toMatchObject({ payload: 'real' });
    });

    it('acknowledges an unknown id as ignored', () => {
      // Arrange
      const node = connectNodeA();

      // Act / Assert
      expect(service.acceptResult({ id: 'nope', nodeId: 'dev-a', ok: true }, node.connection)).toEqual({
        ok: true,
        ignored: true,
      });
    });

    it('refuses invalid payloadJSON and keeps waiting for a good result', async () => {
      // Arrange
      const node = connectNodeA();
      const call = invoke(request());

      // Act
      const error = caught(() =>
        service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payloadJSON: '{oops' }, node.connection),
      );
      service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payloadJSON: '"ok"' }, node.connection);

      // Assert
      expect(wire(error)).toMatchObject({ code: 'INVALID_REQUEST', details: { fields: ['payloadJSON'] } });
      await expect(call).resolves.toMatchObject({ payload: 'ok' });
    });

    it('refuses payloadJSON nested past the budget before parsing it, and keeps waiting', async () => {
      // Arrange
      const node = connectNodeA();
      const call = invoke(request());
      const deep = '['.repeat(6000) + ']'.repeat(6000);

      // Act
      const error = caught(() =>
        service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payloadJSON: deep }, node.connection),
      );
      service.acceptResult({ id: 'call-1', nodeId: 'dev-a', ok: true, payloadJSON: '[[1]]' }, node.connection);

      // Assert
      expect(wire(error)).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining('deeper than 64 levels'),
        details: { fields: ['payloadJSON'], maxDepth: 64 },
      });
      await expect(call).resolves.toMatchObject({ payload: [[1]] });
    });
  });

  describe('reportEvent', () => {
    it('refuses an event whose payloadJSON is nested past the budget and broadcasts nothing', () => {
      // Arrange
      const node = connectNodeA();
      const reader = connectionWith({ role: 'operator', clientId: 'ui', scopes: ['operator.read'] });
      connections.add(reader.connection);

      // Act
      const error = caught(() =>
        service.reportEvent(node.connection, {
          event: 'screen.changed',
          payloadJSON: '{"a":'.repeat(100) + '1' + '}'.repeat(100),
        }),
      );

      // Assert
      expect(wire(error)).toMatchObject({ code: 'INVALID_REQUEST', details: { fields: ['payloadJSON'] } });
      expect(eventsOf(reader.socket)).toEqual([]);
    });

    it('passes the event on to operators who can read, not to nodes or pairing-only operators', () => {
      // Arrange
      const node = connectNodeA();
      const reader = connectionWith({ role: 'operator', clientId: 'ui', scopes: ['operator.read'] });
      const pairer = connectionWith({ role: 'operator', clientId: 'pairer', scopes: ['operator.pairing'] });
      connections.add(reader.connection);
      connections.add(pairer.connection);

      // Act
      const ack = service.reportEvent(node.connection, { event: 'screen.changed', payloadJSON: '{"on":true}' });

      // Assert
      expect(ack).toEqual({ ok: true });
      expect(eventsOf(reader.socket)).toEqual([
        {
          type: 'event',
          event: 'node.event',
          seq: 1,
          payload: { nodeId: 'dev-a', event: 'screen.changed', payload: { on: true }, ts: clock.ms },
        },
      ]);
      expect(eventsOf(pairer.socket)).toEqual([]);
      expect(eventsOf(node.socket)).toEqual([]);
    });

    it('sends a null payload when there is none', () => {
      // Arrange
      const node = connectNodeA();
      const reader = connectionWith({ role: 'operator', clientId: 'ui', scopes: ['operator.admin'] });
      connections.add(reader.connection);

      // Act
      service.reportEvent(node.connection, { event: 'ping' });

      // Assert
      expect(eventsOf(reader.socket)[0].payload).toMatchObject({ event: 'ping', payload: null });
    });
  });

  describe('rename', () => {
    it('persists the name of a paired node in its device record', () => {
      // Arrange
      connectNodeA();

      // Act
      const result = service.rename('dev-a', '  Render Box ');

      // Assert
      expect(result).toEqual({ nodeId: 'dev-a', displayName: 'Render Box', persisted: true });
      expect(pairing.renameDevice).toHaveBeenCalledWith('dev-a', 'Render Box');
      expect(service.describe('render box').displayName).toBe('Render Box');
    });

    it('renames an offline paired node', () => {
      // Arrange
      pairing.pair('dev-offline', 'Old');

      // Act / Assert
      expect(service.rename('Old', 'New').persisted).toBe(true);
      expect(pairing.devices.get('dev-offline')?.displayName).toBe('New');
    });

    it('keeps the name of an unpaired live node in memory', () => {
      // Arrange
      connections.add(connectionWith({ clientId: 'plain', displayName: 'reported' }).connection);

      // Act
      const result = service.rename('client:plain', 'Chosen');

      // Assert
      expect(result).toEqual({ nodeId: 'client:plain', displayName: 'Chosen', persisted: false });
      expect(pairing.renameDevice).not.toHaveBeenCalled();
      expect(service.describe('client:plain').displayName).toBe('Chosen');
    });

    it.each([
      ['an empty name', ''],
      ['a blank name', '   '],
      ['a name over 64 characters', 'x'.repeat(65)],
      ['a control character', 'bad\nname'],
    ])('refuses %s', (_name, displayName) => {
      // Arrange
      connectNodeA();

      // Act / Assert
      expect(wire(caught(() => service.rename('dev-a', displayName)))).toMatchObject({
        code: 'INVALID_REQUEST',
        details: { fields: ['displayName'] },
      });
      expect(pairing.renameDevice).not.toHaveBeenCalled();
    });

    it('refuses an unknown node', () => {
      expect(wire(caught(() => service.rename('nobody', 'Name')))).toMatchObject({ code: 'INVALID_REQUEST' });
    });
  });
});
