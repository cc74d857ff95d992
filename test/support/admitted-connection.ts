import type { WebSocket } from 'ws';
import { Connection, type ConnectionSession } from '../../src/modules/gateway/connection/connection';

/** The socket calls a Connection makes, recorded: `sent` holds each frame's text. */
export interface RecordingSocket {
  bufferedAmount: number;
  sent: string[];
  send: jest.Mock;
  close: jest.Mock;
  terminate: jest.Mock;
}

export function recordingSocket(): RecordingSocket {
  const sent: string[] = [];
  return { bufferedAmount: 0, sent, send: jest.fn((text: string) => sent.push(text)), close: jest.fn(), terminate: jest.fn() };
}

/**
 * A connection past its handshake, for unit tests of what follows connections
 * (registry, presence, pairing): a local operator with operator.read unless
 * the session says otherwise.
 */
export function admittedConnection(
  connId: string,
  session: Partial<ConnectionSession> = {},
  socket: RecordingSocket = recordingSocket(),
): Connection {
  const connection = new Connection(
    connId,
    socket as unknown as WebSocket,
    { clientAddress: '127.0.0.1', isLocal: true },
    'nonce',
    1 << 20,
  );
  const role = session.role ?? 'operator';
  connection.session = {
    role,
    scopes: role === 'node' ? [] : ['operator.read'],
    client: { id: connId, version: '1', platform: 'linux', mode: role === 'node' ? 'node' : 'cli' },
    caps: [],
    commands: [],
    permissions: {},
    connectedAtMs: 0,
    ...session,
  };
  return connection;
}
