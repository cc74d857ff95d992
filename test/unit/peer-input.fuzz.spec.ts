import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import type { WebSocket } from 'ws';
import { Clock } from '../../src/common/clock';
import { ConfigError, loadConfig } from '../../src/common/config';
import { MAX_FRAME_DEPTH, parseInboundFrame, serializeJson } from '../../src/common/protocol';
import { Broadcaster } from '../../src/modules/gateway/broadcaster';
import { Connection, ConnectionSession } from '../../src/modules/gateway/connection/connection';
import { ConnectionRegistry } from '../../src/modules/gateway/connection/connection-registry';
import { ConnectParamsDto } from '../../src/modules/gateway/dto/connect.params';
import type { GatewayRuntime } from '../../src/modules/config/gateway-runtime';
import { RpcError } from '../../src/modules/gateway/rpc/rpc-error';
import { toErrorShape } from '../../src/modules/gateway/rpc/wire-errors';
import { NodesError } from '../../src/modules/nodes/nodes.errors';
import { validateParams } from '../../src/modules/gateway/rpc/validate-params';
import { NodeInvokeResultParams } from '../../src/modules/nodes/dto/invoke-result.params';
import { NodeEventParams } from '../../src/modules/nodes/dto/node-event.params';
import { IdSource } from '../../src/common/ids';
import { NodeCommandPolicy } from '../../src/modules/nodes/node-command-policy';
import { NodeRegistry } from '../../src/modules/nodes/node-registry';
import { NodesService } from '../../src/modules/nodes/nodes.service';
import type { PairingService } from '../../src/modules/pairing/pairing.service';

/**
 * Property-based fuzzing of what peers send, through the same functions the
 * gateway runs on a frame. Bounded runs keep the suite to a few seconds; a
 * failure prints the seed and the shrunk input to replay.
 */
const RUNS = { numRuns: 200 };

/** Nested arrays/objects as text, deep enough to break a recursive serializer. */
const deepText = fc
  .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"k":'), fc.constantFrom('1', '"x"', '[]', ''))
  .map(([depth, open, inner]) => {
    const close = open === '[' ? ']' : '}';
    // An object needs a value before it closes; an array may be empty.
    const core = open === '[' ? inner : inner || 'null';
    return open.repeat(depth) + core + close.repeat(depth);
  });

/** Any JSON value, shallow or deep, as text. */
const jsonValueText = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  deepText,
  fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
);

/** Text a client might send: garbage, valid JSON of any shape, or request frames with hostile params. */
const frameText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 6 }),
  deepText,
  fc
    .tuple(fc.option(fc.string({ maxLength: 20 })), fc.option(fc.string({ maxLength: 20 })), jsonValueText)
    .map(([id, method, params]) => {
      const parts = ['"type":"req"'];
      if (id !== null) parts.push(`"id":${JSON.stringify(id)}`);
      if (method !== null) parts.push(`"method":${JSON.stringify(method)}`);
      parts.push(`"params":${params}`);
      return `{${parts.join(',')}}`;
    }),
);

/** Params objects with the connect keys (and some others), each holding anything. */
const hostileObjectText = (keys: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys, '__proto__', 'constructor', 'extra'), jsonValueText), { maxLength: 8 })
    .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`);

const CONNECT_KEYS = [
  'minProtocol',
  'maxProtocol',
  'client',
  'role',
  'scopes',
  'caps',
  'commands',
  'permissions',
  'auth',
  'device',
];

/** Runs params text the way the gateway does: frame check first, then the DTO. */
function validateAsGateway(dto: Parameters<typeof validateParams>[0], paramsText: string): object | RpcError {
  const parsed = parseInboundFrame(`{"type":"req","id":"f1","method":"m","params":${paramsText}}`);
  if (parsed.kind === 'invalid') return new RpcError('INVALID_REQUEST', parsed.reason);
  try {
    return validateParams(dto, parsed.frame.params);
  } catch (error) {
    if (error instanceof RpcError) return error;
    throw error;
  }
}

describe('peer input fuzzing', () => {
  beforeAll(() => {
    for (const level of ['log', 'debug', 'warn'] as const)
      jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  describe('parseInboundFrame', () => {
    it('never throws, and every frame it accepts can be written back out', () => {
      fc.assert(
        fc.property(frameText, (text) => {
          const parsed = parseInboundFrame(text);
          if (parsed.kind === 'invalid') {
            expect(typeof parsed.reason).toBe('string');
            return;
          }
          // The crash this guards against: an accepted frame whose params cannot be serialized again.
          expect(serializeJson({ type: 'res', id: parsed.frame.id, ok: true, payload: parsed.frame.params }).ok).toBe(true);
        }),
        RUNS,
      );
    });

    it('refuses exactly the frames nested past the budget', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 3 * MAX_FRAME_DEPTH }), (depth) => {
          const text = `{"type":"req","id":"d","method":"status","params":${'['.repeat(depth)}${']'.repeat(depth)}}`;
          expect(parseInboundFrame(text).kind).toBe(depth + 1 > MAX_FRAME_DEPTH ? 'invalid' : 'request');
        }),
        RUNS,
      );
    });
  });

  describe('connect params validation', () => {
    it('returns params or an INVALID_REQUEST that names the problem, never anything else', () => {
      fc.assert(
        fc.property(fc.oneof(hostileObjectText(CONNECT_KEYS), jsonValueText), (paramsText) => {
          const outcome = validateAsGateway(ConnectParamsDto, paramsText);
          if (outcome instanceof RpcError) {
            expect(outcome.code).toBe('INVALID_REQUEST');
            expect(outcome.message).toMatch(/^(invalid params: |frame )/);
          }
        }),
        RUNS,
      );
    });
  });

  describe('node results and events', () => {
    let connections: ConnectionRegistry;
    let registry: NodeRegistry;
    let service: NodesService;
    let node: Connection;
    let operatorSocket: { bufferedAmount: number; send: jest.Mock; close: jest.Mock; terminate: jest.Mock };
    let operator: Connection;

    const connection = (session: Partial<ConnectionSession>) => {
      const socket = { bufferedAmount: 0, send: jest.fn(), close: jest.fn(), terminate: jest.fn() };
      const conn = new Connection(
        'c',
        socket as unknown as WebSocket,
        { clientAddress: '10.0.0.7', isLocal: false },
        'n',
        1 << 30,
      );
      conn.session = {
        role: 'node',
        scopes: [],
        client: { id: 'node-a', version: '1', platform: 'linux', mode: 'node' },
        caps: [],
        commands: ['system.which'],
        permissions: {},
        connectedAtMs: 1,
        ...session,
      };
      return { conn, socket };
    };

    beforeEach(() => {
      connections = new ConnectionRegistry();
      const runtime = { config: { gateway: { nodes: { allowCommands: [], denyCommands: [] } } } } as unknown as GatewayRuntime;
      const pairing = { findPairedDevice: () => undefined, listPairedDevices: () => [] } as unknown as PairingService;
      registry = new NodeRegistry(connections, new NodeCommandPolicy(runtime));
      service = new NodesService(
        registry,
        new NodeCommandPolicy(runtime),
        pairing,
        new Broadcaster(connections),
        new Clock(),
        new IdSource(),
      );
      registry.onModuleInit();
      service.onModuleInit();
      node = connection({}).conn;
      connections.add(node);
      const op = connection({
        role: 'operator',
        scopes: ['operator.admin'],
        client: { id: 'cli', version: '1', platform: 'linux', mode: 'cli' },
      });
      operator = op.conn;
      operatorSocket = op.socket;
      connections.add(operator);
    });

    afterEach(() => {
      service.onModuleDestroy();
      registry.onModuleDestroy();
    });

    const resultParams = fc
      .tuple(
        fc.boolean(),
        fc.option(jsonValueText),
        fc.option(fc.oneof(deepText, jsonValueText, fc.string({ maxLength: 30 }))),
        fc.option(hostileObjectText(['code', 'message'])),
        fc.constantFrom('client:node-a', 'someone-else'),
      )
      .map(([ok, payload, payloadJSON, error, nodeId]) => ({ ok, payload, payloadJSON, error, nodeId }));

    it('a node result either settles the call with an answer the operator can be sent, or is refused with a NodesError', async () => {
      await fc.assert(
        fc.asyncProperty(resultParams, async ({ ok, payload, payloadJSON, error, nodeId }) => {
          const call = service.invoke({
            nodeId: 'client:node-a',
            command: 'system.which',
            idempotencyKey: `k${Math.random()}`,
            timeoutMs: 60_000,
          });
          const sent = (node.socket.send as jest.Mock).mock.calls.at(-1)![0] as string;
          const callId = (JSON.parse(sent) as { payload: { id: string } }).payload.id;
          const fields = [`"id":"${callId}"`, `"nodeId":"${nodeId}"`, `"ok":${ok}`];
          if (payload !== null) fields.push(`"payload":${payload}`);
          if (payloadJSON !== null) fields.push(`"payloadJSON":${JSON.stringify(payloadJSON)}`);
          if (error !== null) fields.push(`"error":${error}`);

          const params = validateAsGateway(NodeInvokeResultParams, `{${fields.join(',')}}`);
          let refused = params instanceof RpcError;
          if (!refused) {
            try {
              service.acceptResult(params as NodeInvokeResultParams, node);
            } catch (thrown) {
              expect(thrown).toBeInstanceOf(NodesError);
              refused = true;
            }
          }
          // A refused result leaves the call waiting; the node going away ends it, as it would on the wire.
          if (refused) connections.remove(node, 'disconnect');
          const answer = await call.then(
            (result) => ({ type: 'res' as const, id: 'op-1', ok: true, payload: result }),
            (failure: unknown) => {
              expect(failure).toBeInstanceOf(NodesError);
              return { type: 'res' as const, id: 'op-1', ok: false, error: toErrorShape(failure).shape };
            },
          );
          operatorSocket.send.mockClear();
          operator.sendResponse(answer);
          const written = JSON.parse(operatorSocket.send.mock.calls[0][0] as string) as { id: string; ok: boolean };
          expect(written.id).toBe('op-1');
          if (refused) connections.add(node);
        }),
        RUNS,
      );
    });

    it('a node event is broadcast or refused with a NodesError, never anything else', () => {
      fc.assert(
        fc.property(
          fc.option(jsonValueText),
          fc.option(fc.oneof(deepText, jsonValueText, fc.string({ maxLength: 30 }))),
          (payload, payloadJSON) => {
            const fields = ['"event":"e"'];
            if (payload !== null) fields.push(`"payload":${payload}`);
            if (payloadJSON !== null) fields.push(`"payloadJSON":${JSON.stringify(payloadJSON)}`);
            const params = validateAsGateway(NodeEventParams, `{${fields.join(',')}}`);
            if (params instanceof RpcError) return;
            try {
              expect(service.reportEvent(node, params as NodeEventParams)).toEqual({ ok: true });
            } catch (thrown) {
              expect(thrown).toBeInstanceOf(NodesError);
            }
          },
        ),
        RUNS,
      );
    });
  });

  describe('config loader', () => {
    const configText = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 6 }),
      deepText,
      hostileObjectText(['gateway', 'channels', 'agent', 'tools']),
      fc
        .tuple(fc.constantFrom('port', 'bind', 'auth', 'limits', 'nodes', 'tls', 'controlUi'), jsonValueText)
        .map(([key, value]) => `{ gateway: { ${key}: ${value} } }`),
    );
    const envValue = fc.option(fc.string({ maxLength: 30 }), { nil: undefined });

    it('returns a config or throws a ConfigError naming the problem, never anything else', () => {
      fc.assert(
        fc.property(configText, envValue, envValue, (text, port, token) => {
          try {
            loadConfig({
              env: { NESTCLAW_STATE_DIR: '/tmp/nestclaw-fuzz', NESTCLAW_GATEWAY_PORT: port, NESTCLAW_GATEWAY_TOKEN: token },
              homeDir: '/tmp/nestclaw-fuzz',
              readFile: () => text,
            });
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError);
            expect((error as ConfigError).message.length).toBeGreaterThan(0);
          }
        }),
        RUNS,
      );
    });
  });
});
