import { Logger } from '@nestjs/common';
import { IsInt, Min } from '../../../common/validation/class-validator';
import type { Connection } from '../connection/connection';
import { RpcDispatcher } from './rpc-dispatcher';
import { invalidRequest } from './rpc-error';
import type { RpcContext } from './rpc-context';
import type { RpcMethodEntry, RpcRegistry } from './rpc-registry';

class CountParams {
  @IsInt() @Min(1) count: number;
}

const methods: RpcMethodEntry[] = [
  {
    name: 'echo.count',
    role: 'operator',
    scope: 'operator.read',
    params: CountParams,
    invoke: (p) => ({ got: (p as CountParams).count }),
  },
  {
    name: 'echo.count.lenient',
    role: 'operator',
    scope: 'operator.read',
    params: CountParams,
    ignoredParams: new Set(['sessionKey']),
    invoke: (p) => ({ got: (p as CountParams).count }),
  },
  { name: 'async.write', role: 'operator', scope: 'operator.write', invoke: async () => 'written' },
  {
    name: 'typed.fail',
    role: 'operator',
    scope: 'operator.read',
    invoke: () => {
      throw invalidRequest('nope', { details: { why: 1 } });
    },
  },
  {
    name: 'crash',
    role: 'operator',
    scope: 'operator.read',
    invoke: () => {
      throw new Error('/etc/secret path leaked');
    },
  },
  { name: 'node.only', role: 'node', scope: null, invoke: () => 'node ok' },
  {
    name: 'two.stage',
    role: 'operator',
    scope: 'operator.write',
    invoke: async (_p, ctx) => {
      ctx.ack({ status: 'accepted' });
      ctx.ack({ status: 'again' });
      await Promise.resolve();
      return { status: 'ok' };
    },
  },
  {
    name: 'sync.ack',
    role: 'operator',
    scope: 'operator.write',
    invoke: (_p, ctx) => {
      ctx.ack({ status: 'accepted' });
      return { status: 'ok' };
    },
  },
  {
    name: 'ack.then.fail',
    role: 'operator',
    scope: 'operator.write',
    invoke: async (_p, ctx) => {
      ctx.ack({ status: 'accepted' });
      throw invalidRequest('failed after the ack');
    },
  },
  {
    name: 'late.ack',
    role: 'operator',
    scope: 'operator.write',
    invoke: (_p, ctx) => {
      lateAck = ctx;
      return 'done';
    },
  },
];

let lateAck: RpcContext | undefined;

const registry = { get: (name: string) => methods.find((m) => m.name === name) } as unknown as RpcRegistry;

function caller(role: 'operator' | 'node', scopes: string[]): Connection {
  return { session: { role, scopes } } as unknown as Connection;
}

describe(RpcDispatcher.name, () => {
  const dispatcher = new RpcDispatcher(registry);
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  describe('dispatch', () => {
    it.each([
      ['a valid call', 'echo.count', { count: 2 }, caller('operator', ['operator.read']), { ok: true, payload: { got: 2 } }],
      ['an async handler', 'async.write', undefined, caller('operator', ['operator.write']), { ok: true, payload: 'written' }],
      [
        'an unknown method',
        'no.such',
        {},
        caller('operator', ['operator.admin']),
        { ok: false, error: { code: 'INVALID_REQUEST', message: 'unknown method: no.such' } },
      ],
      [
        'a missing scope',
        'async.write',
        {},
        caller('operator', ['operator.read']),
        { ok: false, error: { code: 'INVALID_REQUEST', message: 'missing scope: operator.write' } },
      ],
      [
        'a node calling an operator method',
        'echo.count',
        { count: 1 },
        caller('node', []),
        { ok: false, error: { code: 'INVALID_REQUEST', message: 'unauthorized role: node' } },
      ],
      [
        'an operator calling a node method',
        'node.only',
        {},
        caller('operator', ['operator.admin']),
        { ok: false, error: { code: 'INVALID_REQUEST', message: 'unauthorized role: operator' } },
      ],
      ['a node method from a node', 'node.only', {}, caller('node', []), { ok: true, payload: 'node ok' }],
      [
        'a field the method ignores',
        'echo.count.lenient',
        { count: 2, sessionKey: 'main' },
        caller('operator', ['operator.read']),
        { ok: true, payload: { got: 2 } },
      ],
      [
        'a field the method ignores, sent to one that does not',
        'echo.count',
        { count: 2, sessionKey: 'main' },
        caller('operator', ['operator.read']),
        {
          ok: false,
          error: {
            code: 'INVALID_REQUEST',
            message: 'invalid params: sessionKey: unknown field',
            details: { fields: ['sessionKey'] },
          },
        },
      ],
      [
        'a failing validation',
        'echo.count',
        { count: 0 },
        caller('operator', ['operator.read']),
        {
          ok: false,
          error: {
            code: 'INVALID_REQUEST',
            message: 'invalid params: count: must not be less than 1',
            details: { fields: ['count'] },
          },
        },
      ],
      [
        'an unknown param',
        'echo.count',
        { count: 1, extra: true },
        caller('operator', ['operator.read']),
        {
          ok: false,
          error: { code: 'INVALID_REQUEST', message: 'invalid params: extra: unknown field', details: { fields: ['extra'] } },
        },
      ],
      [
        'a typed error',
        'typed.fail',
        {},
        caller('operator', ['operator.read']),
        { ok: false, error: { code: 'INVALID_REQUEST', message: 'nope', details: { why: 1 } } },
      ],
      [
        'an unexpected error, hidden',
        'crash',
        {},
        caller('operator', ['operator.read']),
        { ok: false, error: { code: 'UNAVAILABLE', message: 'internal gateway error; see the gateway log', retryable: true } },
      ],
      [
        'a call before the handshake',
        'echo.count',
        { count: 1 },
        { session: undefined } as unknown as Connection,
        { ok: false, error: { code: 'INVALID_REQUEST', message: 'connect first: the first request must be "connect"' } },
      ],
    ])('answers %s', async (_label, method, params, connection, expected) => {
      const res = await dispatcher.dispatch({ type: 'req', id: 'r1', method, params }, { connection });
      expect(res).toEqual({ type: 'res', id: 'r1', ...expected });
    });
  });

  describe('ack', () => {
    function sender(): { connection: Connection; sent: unknown[] } {
      const sent: unknown[] = [];
      const connection = {
        session: { role: 'operator', scopes: ['operator.write'] },
        sendResponse: (frame: unknown) => sent.push(frame),
      };
      return { connection: connection as unknown as Connection, sent };
    }

    it('sends one early response with the request id, then the final one is returned', async () => {
      // Arrange
      const { connection, sent } = sender();
      // Act
      const pending = dispatcher.dispatch({ type: 'req', id: 'r2', method: 'two.stage' }, { connection });
      const acksBeforeFinal = [...sent];
      const final = await pending;
      // Assert
      expect(acksBeforeFinal).toEqual([{ type: 'res', id: 'r2', ok: true, payload: { status: 'accepted' } }]);
      expect(sent).toHaveLength(1);
      expect(final).toEqual({ type: 'res', id: 'r2', ok: true, payload: { status: 'ok' } });
    });

    it('works for a synchronous handler: the ack goes out before the final answer is returned', () => {
      const { connection, sent } = sender();
      const final = dispatcher.dispatch({ type: 'req', id: 'r3', method: 'sync.ack' }, { connection });
      expect(sent).toEqual([{ type: 'res', id: 'r3', ok: true, payload: { status: 'accepted' } }]);
      expect(final).toEqual({ type: 'res', id: 'r3', ok: true, payload: { status: 'ok' } });
    });

    it('still answers a failure after the ack as the final response', async () => {
      const { connection, sent } = sender();
      const final = await dispatcher.dispatch({ type: 'req', id: 'r4', method: 'ack.then.fail' }, { connection });
      expect(sent).toHaveLength(1);
      expect(final).toEqual({
        type: 'res',
        id: 'r4',
        ok: false,
        error: { code: 'INVALID_REQUEST', message: 'failed after the ack' },
      });
    });

    it('ignores an ack after the final answer', () => {
      const { connection, sent } = sender();
      void dispatcher.dispatch({ type: 'req', id: 'r5', method: 'late.ack' }, { connection });
      lateAck!.ack({ status: 'accepted' });
      expect(sent).toEqual([]);
    });
  });
});
