import type { WebSocket } from 'ws';
import { Connection } from './connection';
import { ConnectionChange, ConnectionRegistry } from './connection-registry';

function admitted(connId: string, role: 'operator' | 'node'): Connection {
  const connection = new Connection(connId, {} as WebSocket, { clientAddress: '127.0.0.1', isLocal: true }, 'nonce', 1_000);
  connection.session = {
    role,
    scopes: [],
    client: { id: connId, version: '1', platform: 'linux', mode: role === 'node' ? 'node' : 'cli' },
    caps: [],
    commands: [],
    permissions: {},
    connectedAtMs: 0,
  };
  return connection;
}

describe(ConnectionRegistry.name, () => {
  it('counts connections by role as they join and leave, once each however often it is told', () => {
    // Arrange
    const registry = new ConnectionRegistry();
    const changes: ConnectionChange['type'][] = [];
    registry.changes$.subscribe((change) => changes.push(change.type));
    const [nodeA, nodeB, operator] = [admitted('a', 'node'), admitted('b', 'node'), admitted('c', 'operator')];

    // Act
    [nodeA, nodeB, operator, nodeA].forEach((connection) => registry.add(connection));
    const whileAllIn = { node: registry.countByRole('node'), operator: registry.countByRole('operator') };
    registry.remove(nodeA, 'disconnect');
    registry.remove(nodeA, 'disconnect');

    // Assert
    expect(whileAllIn).toEqual({ node: 2, operator: 1 });
    expect(registry.countByRole('node')).toBe(1);
    expect(registry.countByRole('operator')).toBe(1);
    expect(registry.size).toBe(2);
    expect(changes).toEqual(['joined', 'joined', 'joined', 'left']);
  });
});
