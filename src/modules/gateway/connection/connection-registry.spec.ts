import { admittedConnection } from '../../../../test/support/admitted-connection';
import { ConnectionChange, ConnectionRegistry } from './connection-registry';

describe(ConnectionRegistry.name, () => {
  it('counts connections by role as they join and leave, once each however often it is told', () => {
    // Arrange
    const registry = new ConnectionRegistry();
    const changes: ConnectionChange['type'][] = [];
    registry.changes$.subscribe((change) => changes.push(change.type));
    const [nodeA, nodeB, operator] = [
      admittedConnection('a', { role: 'node' }),
      admittedConnection('b', { role: 'node' }),
      admittedConnection('c'),
    ];

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
