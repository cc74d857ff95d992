import { InvokeDispatcher, parseInvokeRequest } from './invoke-dispatcher';
import { InvokeErrors } from './invoke-errors';
import type { InvokeContext, InvokeRequest, NodeCommand } from './invoke-types';

const context = { signal: new AbortController().signal };
const request = (command: string, paramsJSON?: string): InvokeRequest => ({ id: 'r1', nodeId: 'n1', command, paramsJSON });

function command(name: string, run: NodeCommand['run']): NodeCommand {
  return { name, run };
}

describe(InvokeDispatcher.name, () => {
  describe('names', () => {
    it('lists the commands in registration order', () => {
      const dispatcher = new InvokeDispatcher([command('b.two', async () => 2), command('a.one', async () => 1)]);
      expect(dispatcher.names).toEqual(['b.two', 'a.one']);
    });

    it('refuses a command registered twice', () => {
      expect(() => new InvokeDispatcher([command('x', async () => 1), command('x', async () => 2)])).toThrow(
        '"x" is registered twice',
      );
    });
  });

  describe('dispatch', () => {
    it('runs the named command with the parsed params and returns its payload', async () => {
      // Arrange
      const run = jest.fn(async (params: unknown, ctx: InvokeContext) => {
        ctx.note('ran');
        return { echoed: params };
      });
      const dispatcher = new InvokeDispatcher([command('echo', run)]);
      // Act
      const result = await dispatcher.dispatch(request('echo', '{"a":1}'), { ...context, deadlineMs: 500 });
      // Assert
      expect(result).toEqual({ outcome: { ok: true, payload: { echoed: { a: 1 } } }, notes: ['ran'] });
      expect(run.mock.calls[0][1]).toMatchObject({ deadlineMs: 500, signal: context.signal });
    });

    it('gives a command {} when the request has no params', async () => {
      const run = jest.fn(async () => null);
      await new InvokeDispatcher([command('x', run)]).dispatch(request('x'), context);
      expect(run).toHaveBeenCalledWith({}, expect.anything());
    });

    it('answers an unknown command with UNKNOWN_COMMAND, listing what the node serves', async () => {
      const result = await new InvokeDispatcher([command('system.run', async () => 1)]).dispatch(request('camera.snap'), context);
      expect(result.outcome).toEqual({
        ok: false,
        error: { code: 'UNKNOWN_COMMAND', message: 'unknown command "camera.snap": this node serves system.run' },
      });
    });

    it('answers params that are not JSON with INVALID_PARAMS', async () => {
      const run = jest.fn();
      const result = await new InvokeDispatcher([command('x', run)]).dispatch(request('x', '{oops'), context);
      expect(result.outcome).toEqual({ ok: false, error: { code: 'INVALID_PARAMS', message: 'paramsJSON is not valid JSON' } });
      expect(run).not.toHaveBeenCalled();
    });

    it("passes a command's refusal through with its code", async () => {
      const dispatcher = new InvokeDispatcher([command('x', async () => Promise.reject(InvokeErrors.execDenied('no')))]);
      expect((await dispatcher.dispatch(request('x'), context)).outcome).toEqual({
        ok: false,
        error: { code: 'EXEC_DENIED', message: 'no' },
      });
    });

    it('turns anything else into a generic NODE_ERROR and keeps the cause local', async () => {
      // Arrange
      const cause = new Error('EIO: /secret/path');
      const dispatcher = new InvokeDispatcher([command('x', async () => Promise.reject(cause))]);
      // Act
      const result = await dispatcher.dispatch(request('x'), context);
      // Assert
      expect(result.outcome).toEqual({
        ok: false,
        error: { code: 'NODE_ERROR', message: 'the node failed to run the command; see the node host log' },
      });
      expect(result.failure).toBe(cause);
    });
  });
});

describe(parseInvokeRequest.name, () => {
  it('reads the fields the gateway sends', () => {
    expect(
      parseInvokeRequest(
        { id: 'i', nodeId: 'n', command: 'system.run', paramsJSON: '{}', timeoutMs: 5_000, idempotencyKey: 'k' },
        'self',
      ),
    ).toEqual({ id: 'i', nodeId: 'n', command: 'system.run', paramsJSON: '{}', timeoutMs: 5_000, idempotencyKey: 'k' });
  });

  it.each([undefined, null, 'x', {}, { id: '' }, { id: 3 }])('drops %p: without an id nothing can be answered', (payload) => {
    expect(parseInvokeRequest(payload, 'self')).toBeUndefined();
  });

  it('fills a missing node id with our own and a missing command with empty (answered as unknown)', () => {
    expect(parseInvokeRequest({ id: 'i' }, 'self')).toEqual({
      id: 'i',
      nodeId: 'self',
      command: '',
      paramsJSON: undefined,
      timeoutMs: undefined,
      idempotencyKey: undefined,
    });
  });

  it('accepts params sent as an object', () => {
    expect(parseInvokeRequest({ id: 'i', command: 'x', params: { a: 1 } }, 'self')?.paramsJSON).toBe('{"a":1}');
  });

  it('ignores a timeout that is not a positive number', () => {
    expect(parseInvokeRequest({ id: 'i', command: 'x', timeoutMs: -5 }, 'self')?.timeoutMs).toBeUndefined();
    expect(parseInvokeRequest({ id: 'i', command: 'x', timeoutMs: '5' }, 'self')?.timeoutMs).toBeUndefined();
  });
});
