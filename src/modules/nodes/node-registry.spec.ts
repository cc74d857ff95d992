import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { Connection, ConnectionSession } from '../gateway/connection/connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import type { GatewayRuntime } from '../config/gateway-runtime';
import { NodeCommandPolicy } from './node-command-policy';
import { NodeCloseReason } from '../../common/protocol';
import { NodeDeparture, nodeIdOf, NodeRegistry, REPLACED_CLOSE_REASON } from './node-registry';

interface FakeSocket {
  bufferedAmount: number;
  send: jest.Mock;
  close: jest.Mock;
  terminate: jest.Mock;
}

let nextConn = 0;

/** A real Connection over a socket that records what it is told. */
function connectionWith(session: Partial<ConnectionSession> & { clientId?: string; platform?: string; instanceId?: string }): {
  connection: Connection;
  socket: FakeSocket;
} {
  const socket: FakeSocket = { bufferedAmount: 0, send: jest.fn(), close: jest.fn(), terminate: jest.fn() };
  const connection = new Connection(
    `conn-${++nextConn}`,
    socket as unknown as WebSocket,
    { clientAddress: '10.0.0.7', isLocal: false },
    'nonce',
    1 << 20,
  );
  const { clientId = 'node-host', platform = 'linux', instanceId, ...rest } = session;
  connection.session = {
    role: 'node',
    scopes: [],
    client: { id: clientId, version: '1.0.0', platform, mode: 'node', ...(instanceId ? { instanceId } : {}) },
    caps: [],
    commands: [],
    permissions: {},
    connectedAtMs: 1_000,
    ...rest,
  };
  return { connection, socket };
}

function policy(denyCommands: string[] = []): NodeCommandPolicy {
  return new NodeCommandPolicy({
    config: { gateway: { nodes: { allowCommands: [], denyCommands } } },
  } as unknown as GatewayRuntime);
}

describe(NodeRegistry.name, () => {
  let connections: ConnectionRegistry;
  let registry: NodeRegistry;
  let departures: NodeDeparture[];

  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  beforeEach(() => {
    connections = new ConnectionRegistry();
    registry = new NodeRegistry(connections, policy(['system.run']));
    registry.onModuleInit();
    departures = [];
    registry.departures$.subscribe((d) => departures.push(d));
  });

  afterEach(() => registry.onModuleDestroy());

  describe('nodeIdOf', () => {
    it('is the device id when there is one, else the client id in its own namespace', () => {
      expect(nodeIdOf({ deviceId: 'dev-1', client: { id: 'cli', version: '1', platform: 'linux', mode: 'node' } })).toBe('dev-1');
      expect(nodeIdOf({ client: { id: 'cli', version: '1', platform: 'linux', mode: 'node' } })).toBe('client:cli');
    });
  });

  describe('joining and leaving', () => {
    it('lists node connections under their node id with the allowed commands', () => {
      // Arrange
      const { connection } = connectionWith({ deviceId: 'dev-1', commands: ['system.run', 'system.which', 'camera.snap'] });

      // Act
      connections.add(connection);

      // Assert
      const node = registry.get('dev-1');
      expect(node?.connection).toBe(connection);
      expect(node?.commands).toEqual(['system.which']);
      expect(registry.size).toBe(1);
    });

    it('ignores operators', () => {
      // Arrange
      const { connection } = connectionWith({ role: 'operator', clientId: 'cli' });

      // Act
      connections.add(connection);

      // Assert
      expect(registry.size).toBe(0);
    });

    it('forgets a node when its connection leaves and says so', () => {
      // Arrange
      const { connection } = connectionWith({ clientId: 'plain-node' });
      connections.add(connection);

      // Act
      connections.remove(connection, 'disconnect');

      // Assert
      expect(registry.get('client:plain-node')).toBeUndefined();
      expect(departures).toEqual([{ nodeId: 'client:plain-node', connection, reason: 'disconnected' }]);
    });

    it('picks up nodes that connected before it started', () => {
      // Arrange
      const { connection } = connectionWith({ clientId: 'early' });
      connections.add(connection);
      const late = new NodeRegistry(connections, policy());

      // Act
      late.onModuleInit();

      // Assert
      expect(late.get('client:early')?.connection).toBe(connection);
      late.onModuleDestroy();
    });
  });

  describe('a second connection with the same node id', () => {
    it('replaces the first, which is closed 1008', () => {
      // Arrange
      const first = connectionWith({ deviceId: 'dev-1' });
      const second = connectionWith({ deviceId: 'dev-1' });
      connections.add(first.connection);

      // Act
      connections.add(second.connection);

      // Assert
      expect(registry.get('dev-1')?.connection).toBe(second.connection);
      expect(registry.size).toBe(1);
      expect(first.socket.close).toHaveBeenCalledWith(1008, REPLACED_CLOSE_REASON);
      expect(first.connection.isOpen).toBe(false);
      expect(departures).toEqual([{ nodeId: 'dev-1', connection: first.connection, reason: 'replaced' }]);
    });

    it('keeps the newer connection when the replaced one finally leaves', () => {
      // Arrange
      const first = connectionWith({ clientId: 'same' });
      const second = connectionWith({ clientId: 'same' });
      connections.add(first.connection);
      connections.add(second.connection);

      // Act
      connections.remove(first.connection, 'disconnect');

      // Assert
      expect(registry.get('client:same')?.connection).toBe(second.connection);
      expect(departures.map((d) => d.reason)).toEqual(['replaced']);
    });

    it('does not confuse a device node with a client id that happens to differ', () => {
      // Arrange
      const device = connectionWith({ deviceId: 'dev-1', clientId: 'node-host' });
      const plain = connectionWith({ clientId: 'node-host' });

      // Act
      connections.add(device.connection);
      connections.add(plain.connection);

      // Assert
      expect(registry.size).toBe(2);
      expect(device.socket.close).not.toHaveBeenCalled();
    });
  });

  describe('two hosts with one identity', () => {
    it('refuses the displaced instance while the one that replaced it is connected', () => {
      // Arrange: host A, then its clone B, took the id.
      const a = connectionWith({ deviceId: 'dev-1', instanceId: 'host-a' });
      const b = connectionWith({ deviceId: 'dev-1', instanceId: 'host-b' });
      connections.add(a.connection);
      connections.add(b.connection);
      const aAgain = connectionWith({ deviceId: 'dev-1', instanceId: 'host-a' });

      // Act
      connections.add(aAgain.connection);

      // Assert
      expect(a.socket.close).toHaveBeenCalledWith(1008, NodeCloseReason.Replaced);
      expect(aAgain.socket.close).toHaveBeenCalledWith(1008, NodeCloseReason.IdentityInUse);
      expect(registry.get('dev-1')?.connection).toBe(b.connection);
      expect(b.socket.close).not.toHaveBeenCalled();
    });

    it('lets the same instance reconnect over its own stale connection', () => {
      // Arrange
      const stale = connectionWith({ deviceId: 'dev-1', instanceId: 'host-a' });
      const fresh = connectionWith({ deviceId: 'dev-1', instanceId: 'host-a' });
      connections.add(stale.connection);
      connections.add(fresh.connection);
      const again = connectionWith({ deviceId: 'dev-1', instanceId: 'host-a' });

      // Act
      connections.add(again.connection);

      // Assert
      expect(registry.get('dev-1')?.connection).toBe(again.connection);
      expect(again.socket.close).not.toHaveBeenCalled();
    });

    it('lets the displaced instance back once its successor has left', () => {
      // Arrange
      const a = connectionWith({ deviceId: 'dev-1', instanceId: 'host-a' });
      const b = connectionWith({ deviceId: 'dev-1', instanceId: 'host-b' });
      connections.add(a.connection);
      connections.add(b.connection);
      connections.remove(b.connection, 'disconnect');
      const aAgain = connectionWith({ deviceId: 'dev-1', instanceId: 'host-a' });

      // Act
      connections.add(aAgain.connection);

      // Assert
      expect(registry.get('dev-1')?.connection).toBe(aAgain.connection);
      expect(aAgain.socket.close).not.toHaveBeenCalled();
    });
  });
});
