import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from '../../common/clock';
import type { ResolvedConfig } from '../../common/config';
import { toErrorShape } from '../gateway/rpc/wire-errors';
import { GatewayRuntime } from '../config/gateway-runtime';
import { MODEL_LIST_LIMITS, ModelsClient } from './models.client';
import { ModelsError } from './models.errors';
import { MODEL_CACHE_TTL_MS, ModelsService } from './models.service';

/** A real endpoint on 127.0.0.1 whose answer each test sets. */
async function endpoint(): Promise<{
  url: string;
  answer: (status: number, body: string) => void;
  hits: () => number;
  close(): Promise<void>;
}> {
  let next = { status: 200, body: '{"data":[]}' };
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(next.status, { 'content-type': 'application/json' }).end(next.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    answer: (status, body) => (next = { status, body }),
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

class FakeClock extends Clock {
  t = 1_000;
  override now(): number {
    return this.t;
  }
}

describe(ModelsService.name, () => {
  let server: Awaited<ReturnType<typeof endpoint>>;
  let clock: FakeClock;
  const service = (agent: Partial<ResolvedConfig['agent']>) =>
    new ModelsService(
      new ModelsClient(),
      { config: { agent: { provider: 'openai', baseUrl: server.url, ...agent } } } as unknown as GatewayRuntime,
      clock,
    );

  beforeAll(async () => {
    server = await endpoint();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    clock = new FakeClock();
    server.answer(200, JSON.stringify({ data: [{ id: 'b' }, { id: 'a' }] }));
  });

  describe('list', () => {
    it('lists nothing for the builtin provider, without asking anyone', async () => {
      const before = server.hits();
      await expect(service({ provider: 'builtin' }).list()).resolves.toEqual([]);
      expect(server.hits()).toBe(before);
    });

    it('sorts, caches for the TTL, and asks again after it', async () => {
      const models = service({});
      const before = server.hits();
      await expect(models.list()).resolves.toEqual([
        { id: 'a', name: 'a', provider: 'openai' },
        { id: 'b', name: 'b', provider: 'openai' },
      ]);
      await models.list();
      expect(server.hits()).toBe(before + 1);
      clock.t += MODEL_CACHE_TTL_MS;
      await models.list();
      expect(server.hits()).toBe(before + 2);
    });

    it('shares one request between callers at the same moment', async () => {
      const models = service({});
      const before = server.hits();
      await Promise.all([models.list(), models.list(), models.list()]);
      expect(server.hits()).toBe(before + 1);
    });

    it.each([
      ['an HTTP error', 401, '{"error":{"message":"key sk-secret-upstream is wrong"}}', 'answered HTTP 401'],
      ['invalid JSON', 200, '<html>', 'invalid JSON'],
      ['no data array', 200, '{"models":[]}', 'no model list'],
      ['an oversize body', 200, JSON.stringify({ data: [{ id: 'x'.repeat(MODEL_LIST_LIMITS.maxBodyBytes) }] }), 'larger than'],
    ])('refuses %s with UNAVAILABLE that names the fix, never the upstream text', async (_label, status, body, says) => {
      server.answer(status, body);
      const error = await service({})
        .list()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelsError);
      const { shape } = toErrorShape(error);
      expect(shape).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
      expect(shape.message).toContain(says);
      expect(shape.message).toContain('agent.baseUrl');
      expect(shape.message).not.toContain('sk-secret');
    });

    it('keeps only sane ids from a hostile list', async () => {
      server.answer(
        200,
        JSON.stringify({
          data: [{ id: 'ok-1' }, { id: 7 }, null, { id: 'has space' }, { id: 'x'.repeat(201) }, { id: 'ok-1' }, 'str'],
        }),
      );
      await expect(service({}).list()).resolves.toEqual([{ id: 'ok-1', name: 'ok-1', provider: 'openai' }]);
    });

    it('reaches no endpoint that is not listening, and says so', async () => {
      const error = await service({ baseUrl: 'http://127.0.0.1:1/v1' })
        .list()
        .catch((e: unknown) => e);
      expect((error as ModelsError).message).toContain('could not reach the model endpoint');
    });
  });

  describe('assertSelectable', () => {
    it('accepts a listed model and refuses others, or any on the builtin provider', async () => {
      await expect(service({}).assertSelectable('a')).resolves.toBeUndefined();
      await expect(service({}).assertSelectable('zzz')).rejects.toThrow('unknown model "zzz"');
      await expect(service({ provider: 'builtin' }).assertSelectable('a')).rejects.toThrow('agent.provider is "builtin"');
    });
  });
});
