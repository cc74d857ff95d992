import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';
import { CloseCode, withJsonText } from '../../../common/protocol';
import { Connection } from './connection';

interface FakeSocket {
  bufferedAmount: number;
  send: jest.Mock;
  close: jest.Mock;
  terminate: jest.Mock;
}

const BUDGET = 1_000;

function fakeSocket(): FakeSocket {
  return { bufferedAmount: 0, send: jest.fn(), close: jest.fn(), terminate: jest.fn() };
}

function connectionOn(socket: FakeSocket, maxBufferedBytes = BUDGET): Connection {
  return new Connection(
    'conn-1',
    socket as unknown as WebSocket,
    { clientAddress: '127.0.0.1', isLocal: true },
    'nonce-1',
    maxBufferedBytes,
  );
}

const sentFrames = (socket: FakeSocket): unknown[] => socket.send.mock.calls.map(([text]) => JSON.parse(text as string));

describe(Connection.name, () => {
  let socket: FakeSocket;
  let connection: Connection;

  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

  beforeEach(() => {
    socket = fakeSocket();
    connection = connectionOn(socket);
  });

  describe('sendEvent', () => {
    it('sends an event frame that parses back to the same payload', () => {
      // Arrange
      const payload = { text: 'quote " backslash \\ brace } unicode é 🔑', list: [1, null, { deep: true }], n: -1.5 };

      // Act
      connection.sendEvent('agent', payload);

      // Assert
      expect(socket.send).toHaveBeenCalledTimes(1);
      expect(sentFrames(socket)).toEqual([{ type: 'event', event: 'agent', payload }]);
    });

    it('leaves payload out when there is none', () => {
      // Act
      connection.sendEvent('tick', undefined);

      // Assert
      expect(socket.send).toHaveBeenCalledWith('{"type":"event","event":"tick"}');
    });

    it('keeps a null payload', () => {
      // Act
      connection.sendEvent('health', null);

      // Assert
      expect(sentFrames(socket)).toEqual([{ type: 'event', event: 'health', payload: null }]);
    });

    it('adds payload, seq and stateVersion that parse back to the same object', () => {
      // Arrange
      const payload = { presence: [{ host: 'a', roles: ['operator'] }] };
      const stateVersion = { presence: 4, health: 9 };

      // Act
      connection.sendEvent('presence', payload, { withSeq: true, stateVersion });

      // Assert
      const [frame] = sentFrames(socket);
      expect(frame).toEqual({ type: 'event', event: 'presence', payload, seq: 1, stateVersion });
    });

    it('writes byte for byte what JSON.stringify gives for the same frame', () => {
      // Arrange
      const payload = { text: 'a "quoted" \\ é' };
      const stateVersion = { presence: 4, health: 9 };

      // Act
      connection.sendEvent('odd "name"', payload, { withSeq: true, stateVersion });

      // Assert
      expect(socket.send).toHaveBeenCalledWith(
        JSON.stringify({ type: 'event', event: 'odd "name"', payload, seq: 1, stateVersion }),
      );
    });

    it('adds stateVersion without a payload', () => {
      // Act
      connection.sendEvent('health', undefined, { stateVersion: { presence: 1, health: 2 } });

      // Assert
      expect(sentFrames(socket)).toEqual([{ type: 'event', event: 'health', stateVersion: { presence: 1, health: 2 } }]);
    });

    it('sends no seq unless asked', () => {
      // Act
      connection.sendEvent('a', 1);
      connection.sendEvent('b', 2);

      // Assert
      expect(sentFrames(socket)).toEqual([
        { type: 'event', event: 'a', payload: 1 },
        { type: 'event', event: 'b', payload: 2 },
      ]);
    });

    it('increments seq per withSeq event only', () => {
      // Act
      connection.sendEvent('a', {}, { withSeq: true });
      connection.sendEvent('challenge', {});
      connection.sendEvent('b', {}, { withSeq: true });
      connection.sendEvent('c', {}, { withSeq: true });

      // Assert
      const seqs = sentFrames(socket).map((frame) => (frame as { seq?: number }).seq);
      expect(seqs).toEqual([1, undefined, 2, 3]);
    });

    it('keeps seq per connection', () => {
      // Arrange
      const otherSocket = fakeSocket();
      const other = connectionOn(otherSocket);
      connection.sendEvent('a', {}, { withSeq: true });
      connection.sendEvent('a', {}, { withSeq: true });

      // Act
      other.sendEvent('a', {}, { withSeq: true });

      // Assert
      expect(sentFrames(otherSocket)).toEqual([{ type: 'event', event: 'a', payload: {}, seq: 1 }]);
    });

    it('spends the seq of a dropped droppable event so the client sees a gap', () => {
      // Arrange
      connection.sendEvent('presence', { n: 1 }, { withSeq: true, droppable: true });
      socket.bufferedAmount = BUDGET / 2;

      // Act
      connection.sendEvent('presence', { n: 2 }, { withSeq: true, droppable: true });
      socket.bufferedAmount = 0;
      connection.sendEvent('presence', { n: 3 }, { withSeq: true, droppable: true });

      // Assert
      expect(sentFrames(socket)).toEqual([
        { type: 'event', event: 'presence', payload: { n: 1 }, seq: 1 },
        { type: 'event', event: 'presence', payload: { n: 3 }, seq: 3 },
      ]);
      expect(connection.isOpen).toBe(true);
    });
  });

  describe('sendEventJson', () => {
    it('splices the pre-serialized payload in unchanged', () => {
      // Arrange
      const payloadJson = JSON.stringify({ ok: true, items: ['x', 'y'] });

      // Act
      connection.sendEventJson('health', payloadJson, { withSeq: true, stateVersion: { presence: 0, health: 3 } });

      // Assert
      expect(socket.send).toHaveBeenCalledWith(
        `{"type":"event","event":"health","payload":${payloadJson},"seq":1,"stateVersion":{"presence":0,"health":3}}`,
      );
      expect(sentFrames(socket)).toEqual([
        {
          type: 'event',
          event: 'health',
          payload: { ok: true, items: ['x', 'y'] },
          seq: 1,
          stateVersion: { presence: 0, health: 3 },
        },
      ]);
    });

    it('escapes the event name', () => {
      // Act
      connection.sendEventJson('we"ird}', '1');

      // Assert
      expect(sentFrames(socket)).toEqual([{ type: 'event', event: 'we"ird}', payload: 1 }]);
    });
  });

  describe('slow consumer', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    afterEach(() => {
      jest.clearAllTimers();
      jest.useRealTimers();
    });

    const frameLength = (event: string, payload: unknown) => JSON.stringify({ type: 'event', event, payload }).length;

    it('counts the budget in bytes, not characters', () => {
      // Arrange: 300 euro signs are 300 characters but 900 bytes in UTF-8.
      const payload = { text: '\u20ac'.repeat(300) };
      socket.bufferedAmount = 200;

      // Act
      connection.sendEvent('chat', payload);

      // Assert
      expect(socket.send).not.toHaveBeenCalled();
      expect(socket.close).toHaveBeenCalledWith(CloseCode.Policy, 'slow consumer');
    });

    it('sends a frame of three-byte characters that fits its budget exactly, counted in bytes', () => {
      // Arrange: 250 euro signs are 750 bytes; the frame around them is ASCII.
      const payload = { text: '\u20ac'.repeat(250) };
      socket.bufferedAmount = BUDGET - Buffer.byteLength(JSON.stringify({ type: 'event', event: 'chat', payload }));

      // Act
      connection.sendEvent('chat', payload);

      // Assert
      expect(socket.send).toHaveBeenCalledTimes(1);
      expect(socket.close).not.toHaveBeenCalled();
    });

    it('sends a droppable event that fits in half the budget', () => {
      // Arrange
      const length = frameLength('presence', { n: 1 });
      socket.bufferedAmount = BUDGET / 2 - length;

      // Act
      connection.sendEvent('presence', { n: 1 }, { droppable: true });

      // Assert
      expect(socket.send).toHaveBeenCalledTimes(1);
    });

    it('drops a droppable event one byte over half the budget without closing', () => {
      // Arrange
      const length = frameLength('presence', { n: 1 });
      socket.bufferedAmount = BUDGET / 2 - length + 1;

      // Act
      connection.sendEvent('presence', { n: 1 }, { droppable: true });

      // Assert
      expect(socket.send).not.toHaveBeenCalled();
      expect(socket.close).not.toHaveBeenCalled();
      expect(connection.isOpen).toBe(true);
    });

    it('still sends a non-droppable event between half and the full budget', () => {
      // Arrange
      socket.bufferedAmount = BUDGET / 2 + 100;

      // Act
      connection.sendEvent('chat', { n: 1 });

      // Assert
      expect(socket.send).toHaveBeenCalledTimes(1);
      expect(connection.isOpen).toBe(true);
    });

    it('sends a non-droppable frame that exactly fills the budget', () => {
      // Arrange
      const length = frameLength('chat', { n: 1 });
      socket.bufferedAmount = BUDGET - length;

      // Act
      connection.sendEvent('chat', { n: 1 });

      // Assert
      expect(socket.send).toHaveBeenCalledTimes(1);
      expect(socket.close).not.toHaveBeenCalled();
    });

    it('closes with 1008 "slow consumer" instead of sending a non-droppable event over the budget', () => {
      // Arrange
      const length = frameLength('chat', { n: 1 });
      socket.bufferedAmount = BUDGET - length + 1;

      // Act
      connection.sendEvent('chat', { n: 1 });

      // Assert
      expect(socket.send).not.toHaveBeenCalled();
      expect(socket.close).toHaveBeenCalledTimes(1);
      expect(socket.close).toHaveBeenCalledWith(CloseCode.Policy, 'slow consumer');
      expect(CloseCode.Policy).toBe(1008);
      expect(connection.isOpen).toBe(false);
    });

    it('closes a slow consumer on a response over the budget too', () => {
      // Arrange
      socket.bufferedAmount = BUDGET;

      // Act
      connection.sendResponse({ type: 'res', id: 'r1', ok: true, payload: {} });

      // Assert
      expect(socket.send).not.toHaveBeenCalled();
      expect(socket.close).toHaveBeenCalledWith(1008, 'slow consumer');
    });

    it('terminates the socket 5 s after closing a slow consumer', () => {
      // Arrange
      socket.bufferedAmount = BUDGET;

      // Act
      connection.sendEvent('chat', {});
      jest.advanceTimersByTime(4_999);
      const terminatedEarly = socket.terminate.mock.calls.length;
      jest.advanceTimersByTime(1);

      // Assert
      expect(terminatedEarly).toBe(0);
      expect(socket.terminate).toHaveBeenCalledTimes(1);
    });

    it('does not terminate when a droppable event is dropped', () => {
      // Arrange
      socket.bufferedAmount = BUDGET;

      // Act
      connection.sendEvent('presence', {}, { droppable: true });
      jest.advanceTimersByTime(10_000);

      // Assert
      expect(socket.terminate).not.toHaveBeenCalled();
      expect(socket.close).not.toHaveBeenCalled();
    });

    it('sends nothing more after closing a slow consumer', () => {
      // Arrange
      socket.bufferedAmount = BUDGET;
      connection.sendEvent('chat', {});
      socket.bufferedAmount = 0;

      // Act
      connection.sendEvent('chat', {});
      connection.sendResponse({ type: 'res', id: 'r1', ok: true });

      // Assert
      expect(socket.send).not.toHaveBeenCalled();
      expect(socket.close).toHaveBeenCalledTimes(1);
    });
  });

  describe('sendResponse', () => {
    it('sends the frame as JSON', () => {
      // Arrange
      const frame = { type: 'res' as const, id: 'r1', ok: true, payload: { a: [1] } };

      // Act
      connection.sendResponse(frame);

      // Assert
      expect(sentFrames(socket)).toEqual([frame]);
    });

    it('splices the text recorded for the very payload object, byte for byte what JSON.stringify would give', () => {
      // Arrange
      const payload = withJsonText({ ok: true, text: 'quote " é' }, '{"ok":true,"text":"quote \\" é"}');
      const frame = { type: 'res' as const, id: 'r"1', ok: true, payload };

      // Act
      connection.sendResponse(frame);

      // Assert
      expect(socket.send).toHaveBeenCalledWith(JSON.stringify(frame));
    });

    it('uses the recorded text, not the value, and never for a copy of the value', () => {
      // Arrange: a text that differs from the value shows which one was sent.
      const payload = withJsonText({ a: 1 }, '{"recorded":true}');

      // Act
      connection.sendResponse({ type: 'res', id: 'r1', ok: true, payload });
      connection.sendResponse({ type: 'res', id: 'r2', ok: true, payload: { ...payload } });

      // Assert
      expect(sentFrames(socket)).toEqual([
        { type: 'res', id: 'r1', ok: true, payload: { recorded: true } },
        { type: 'res', id: 'r2', ok: true, payload: { a: 1 } },
      ]);
    });

    it('answers with an error instead of throwing when the payload is too deep to serialize', () => {
      // Arrange: what a hostile node's 12 KB payloadJSON parses to.
      const payload = JSON.parse('['.repeat(20_000) + ']'.repeat(20_000)) as unknown;

      // Act
      const send = () => connection.sendResponse({ type: 'res', id: 'r1', ok: true, payload });

      // Assert
      expect(send).not.toThrow();
      expect(sentFrames(socket)).toEqual([
        {
          type: 'res',
          id: 'r1',
          ok: false,
          error: { code: 'UNAVAILABLE', message: expect.stringContaining('the value is nested too deeply') },
        },
      ]);
      expect(connection.isOpen).toBe(true);
    });

    it('does not throw when the socket write throws', () => {
      // Arrange
      socket.send.mockImplementation(() => {
        throw new Error('WebSocket is not open');
      });

      // Act / Assert
      expect(() => connection.sendResponse({ type: 'res', id: 'r1', ok: true })).not.toThrow();
    });
  });

  describe('sendEvent with an unserializable payload', () => {
    it('drops the event and keeps the connection', () => {
      // Arrange
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;

      // Act
      connection.sendEvent('node.event', cycle);
      connection.sendEvent('tick', { ts: 1 });

      // Assert
      expect(sentFrames(socket)).toEqual([{ type: 'event', event: 'tick', payload: { ts: 1 } }]);
      expect(connection.isOpen).toBe(true);
    });
  });

  describe('sendError', () => {
    it('sends an ok:false response with the error', () => {
      // Act
      connection.sendError('r7', { code: 'INVALID_REQUEST', message: 'bad' });

      // Assert
      expect(sentFrames(socket)).toEqual([
        { type: 'res', id: 'r7', ok: false, error: { code: 'INVALID_REQUEST', message: 'bad' } },
      ]);
    });

    it('sends nothing when the request had no id', () => {
      // Act
      connection.sendError(undefined, { code: 'INVALID_REQUEST', message: 'bad' });

      // Assert
      expect(socket.send).not.toHaveBeenCalled();
    });
  });

  describe('close', () => {
    it('closes the socket once', () => {
      // Act
      connection.close(1000, 'bye');
      connection.close(1008, 'again');

      // Assert
      expect(socket.close).toHaveBeenCalledTimes(1);
      expect(socket.close).toHaveBeenCalledWith(1000, 'bye');
      expect(connection.isOpen).toBe(false);
    });

    it('drops events sent after close', () => {
      // Arrange
      connection.close(1000, 'bye');

      // Act
      connection.sendEvent('a', {}, { withSeq: true });

      // Assert
      expect(socket.send).not.toHaveBeenCalled();
    });
  });

  describe('markClosed', () => {
    it('stops sending without closing the socket again', () => {
      // Act
      connection.markClosed();
      connection.sendEvent('a', {});
      connection.close(1000, 'bye');

      // Assert
      expect(connection.isOpen).toBe(false);
      expect(socket.send).not.toHaveBeenCalled();
      expect(socket.close).not.toHaveBeenCalled();
    });
  });

  describe('isOpen', () => {
    it('is true for a new connection', () => {
      expect(connection.isOpen).toBe(true);
    });
  });
});
