import { Clock } from '../../common/clock';
import { loadConfig } from '../../common/config';
import { Broadcaster } from '../gateway/broadcaster';
import type { Connection } from '../gateway/connection/connection';
import { admittedConnection, recordingSocket } from '../../../test/support/admitted-connection';
import { ConnectionRegistry } from '../gateway/connection/connection-registry';
import { GatewayRuntime } from '../config/gateway-runtime';
import { PRESENCE_COALESCE_MS, PRESENCE_EVENT_MAX_CHANGES, PresenceService } from './presence.service';
import { StateVersionService } from './state-version.service';

/** A local operator with operator.read, and the frames sent to it. */
function operator(connId: string): { connection: Connection; sent: string[] } {
  const socket = recordingSocket();
  return { connection: admittedConnection(connId, {}, socket), sent: socket.sent };
}

const presenceEvents = (sent: string[]) =>
  sent.filter((text) => text.includes('"event":"presence"')).map((text) => JSON.parse(text));

describe(PresenceService.name, () => {
  let registry: ConnectionRegistry;
  let presence: PresenceService;

  beforeEach(() => {
    jest.useFakeTimers();
    const config = loadConfig({ env: {}, homeDir: '/nonexistent', readFile: () => undefined });
    registry = new ConnectionRegistry();
    presence = new PresenceService(
      registry,
      new Broadcaster(registry),
      new StateVersionService(),
      new GatewayRuntime(config, ['127.0.0.1'], 0, 'test', 'host'),
      new Clock(),
    );
    presence.onModuleInit();
  });
  afterEach(() => {
    presence.onModuleDestroy();
    jest.useRealTimers();
  });

  it('sends a few joins as their entries after PRESENCE_COALESCE_MS', () => {
    // Arrange
    const watcher = operator('watcher');
    registry.add(watcher.connection);
    jest.advanceTimersByTime(PRESENCE_COALESCE_MS);
    watcher.sent.length = 0;

    // Act
    registry.add(operator('a').connection);
    registry.add(operator('b').connection);
    jest.advanceTimersByTime(PRESENCE_COALESCE_MS - 1);
    const early = presenceEvents(watcher.sent);
    jest.advanceTimersByTime(1);

    // Assert
    expect(early).toEqual([]);
    const [event] = presenceEvents(watcher.sent);
    expect(event.payload.joined.map((entry: { key: string }) => entry.key)).toEqual(['a', 'b']);
    expect(event.payload.truncated).toBeUndefined();
  });

  it('sends a storm as one truncated event, after a window that grows with the number of connections', () => {
    // Arrange
    const watcher = operator('watcher');
    registry.add(watcher.connection);
    jest.advanceTimersByTime(PRESENCE_COALESCE_MS);
    watcher.sent.length = 0;
    const joining = 400;

    // Act
    for (let i = 0; i < joining; i++) registry.add(operator(`c${i}`).connection);
    jest.advanceTimersByTime(PRESENCE_COALESCE_MS);
    const afterBaseWindow = presenceEvents(watcher.sent);
    jest.advanceTimersByTime(registry.size);

    // Assert
    expect(joining).toBeGreaterThan(PRESENCE_EVENT_MAX_CHANGES);
    expect(afterBaseWindow).toEqual([]);
    const events = presenceEvents(watcher.sent);
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ joined: [], left: [], count: joining + 2, truncated: true });
  });
});
