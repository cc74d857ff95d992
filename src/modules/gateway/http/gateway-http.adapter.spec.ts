import { NotFoundException } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as net from 'node:net';
import { GatewayHttpAdapter, MAX_HEADER_BYTES } from './gateway-http.adapter';
import { sendJson, sendText } from './http-io';

interface Served {
  adapter: GatewayHttpAdapter;
  url: string;
  port: number;
}

const servers: GatewayHttpAdapter[] = [];

async function serve(setup: (adapter: GatewayHttpAdapter) => void): Promise<Served> {
  const adapter = new GatewayHttpAdapter();
  adapter.initHttpServer({});
  setup(adapter);
  await new Promise<void>((resolve) => adapter.listen(0, '127.0.0.1', resolve));
  servers.push(adapter);
  const port = (adapter.getHttpServer().address() as net.AddressInfo).port;
  return { adapter, url: `http://127.0.0.1:${port}`, port };
}

/** Sends bytes as they are (fetch would refuse or fix hostile requests) and returns the whole answer. */
function raw(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const ok = (name: string) => (_req: IncomingMessage, res: ServerResponse) => sendText(res, 200, name);

afterEach(async () => {
  await Promise.all(servers.splice(0).map((adapter) => adapter.close()));
});

describe(GatewayHttpAdapter.name, () => {
  describe('routing', () => {
    it('serves a route by its exact method and path, and GET routes answer HEAD without a body', async () => {
      // Arrange
      const { url, port } = await serve((a) => {
        a.get('/healthz', ok('get'));
        a.post('/hook', ok('post'));
      });

      // Act
      const get = await fetch(`${url}/healthz?x=1`);
      const post = await fetch(`${url}/hook`, { method: 'POST' });
      const head = await raw(port, 'HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');

      // Assert
      expect([get.status, await get.text()]).toEqual([200, 'get']);
      expect([post.status, await post.text()]).toEqual([200, 'post']);
      expect(statusOf(head)).toBe(200);
      expect(head).toContain('Content-Length: 3');
      expect(head.endsWith('\r\n\r\n')).toBe(true);
    });

    it('matches neither another method, nor a trailing slash, nor another case', async () => {
      // Arrange
      const { url } = await serve((a) => a.get('/healthz', ok('get')));

      // Act
      const answers = await Promise.all([
        fetch(`${url}/healthz`, { method: 'POST' }),
        fetch(`${url}/healthz/`),
        fetch(`${url}/HEALTHZ`),
        fetch(`${url}/healthz/x`),
      ]);

      // Assert
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    });

    it('routes an absolute-form request target by its path', async () => {
      const { port } = await serve((a) => a.get('/healthz', ok('get')));

      const answer = await raw(port, 'GET http://example.test/healthz?x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');

      expect(statusOf(answer)).toBe(200);
    });

    it('runs middleware in registration order before later routes, each passing on with next()', async () => {
      // Arrange
      const seen: string[] = [];
      const { url } = await serve((a) => {
        a.use((req: IncomingMessage, _res: ServerResponse, next: () => void) => {
          seen.push(`first ${req.url}`);
          next();
        });
        a.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
          if (req.url === '/page') return sendText(res, 200, 'page');
          next();
        });
        a.get('/page', ok('route registered after the middleware'));
        a.get('/other', ok('other'));
      });

      // Act
      const page = await fetch(`${url}/page`);
      const other = await fetch(`${url}/other`);

      // Assert
      expect(await page.text()).toBe('page');
      expect(await other.text()).toBe('other');
      expect(seen).toEqual(['first /page', 'first /other']);
    });

    it('ends with the not-found handler Nest installs, and an error handler for what handlers throw or reject', async () => {
      // Arrange
      const { url, adapter } = await serve((a) => {
        a.get('/throws', () => {
          throw new Error('sync');
        });
        a.get('/rejects', () => Promise.reject(new Error('async')));
        a.get('/next-error', (_req: IncomingMessage, _res: ServerResponse, next: (e?: unknown) => void) =>
          next(new Error('passed')),
        );
      });
      adapter.setNotFoundHandler((req, res) => sendJson(res, 404, { missing: req.url }));
      adapter.setErrorHandler((error, _req, res) => sendJson(res, 500, { failed: (error as Error).message }));

      // Act
      const answers = await Promise.all(['/nope', '/throws', '/rejects', '/next-error'].map((p) => fetch(url + p)));

      // Assert
      expect(await Promise.all(answers.map(async (a) => [a.status, await a.json()]))).toEqual([
        [404, { missing: '/nope' }],
        [500, { failed: 'sync' }],
        [500, { failed: 'async' }],
        [500, { failed: 'passed' }],
      ]);
    });

    it('still answers 500 when the error handler itself fails', async () => {
      const { url, adapter } = await serve((a) => a.get('/throws', () => Promise.reject(new Error('first'))));
      adapter.setErrorHandler(() => Promise.reject(new Error('second')));

      const answer = await fetch(`${url}/throws`);

      expect([answer.status, await answer.text()]).toEqual([500, 'Internal Server Error']);
    });

    it.each(['/users/:id', '/files/*path', '/a{/b}', 'relative', '/q?x=1'])('refuses to register the route %s', (path) => {
      const adapter = new GatewayHttpAdapter();

      expect(() => adapter.get(path, ok('x'))).toThrow(/not supported by nestclaw's HTTP adapter/);
    });
  });

  describe('what Nest calls on it', () => {
    it('replies with JSON for objects, an empty body for nothing, and only the status for an Error', async () => {
      // Arrange
      const { url, adapter } = await serve((a) => {
        a.get('/object', (_req: IncomingMessage, res: ServerResponse) => a.reply(res, { ok: true }, 201));
        a.get('/empty', (_req: IncomingMessage, res: ServerResponse) => a.reply(res, undefined, 204));
        a.get('/error', (_req: IncomingMessage, res: ServerResponse) =>
          a.reply(res, Object.assign(new Error('x'), { config: { secret: 's3cr3t' } }), 502),
        );
        a.get('/text', (_req: IncomingMessage, res: ServerResponse) => a.reply(res, 42));
      });
      adapter.setNotFoundHandler((req, res) => {
        const exception = new NotFoundException(`Cannot ${adapter.getRequestMethod(req)} ${adapter.getRequestUrl(req)}`);
        adapter.reply(res, exception.getResponse(), exception.getStatus());
      });

      // Act
      const object = await fetch(`${url}/object`);
      const empty = await fetch(`${url}/empty`);
      const error = await fetch(`${url}/error`);
      const text = await fetch(`${url}/text`);
      const missing = await fetch(`${url}/nope`);

      // Assert
      expect([object.status, object.headers.get('content-type'), await object.json()]).toEqual([
        201,
        'application/json; charset=utf-8',
        { ok: true },
      ]);
      expect([empty.status, await empty.text()]).toEqual([204, '']);
      expect([error.status, await error.json()]).toEqual([502, { statusCode: 502, message: 'Bad Gateway' }]);
      expect([text.status, text.headers.get('content-type'), await text.text()]).toEqual([
        200,
        'text/plain; charset=utf-8',
        '42',
      ]);
      expect([missing.status, await missing.json()]).toEqual([
        404,
        { message: 'Cannot GET /nope', error: 'Not Found', statusCode: 404 },
      ]);
      expect(object.headers.get('x-powered-by')).toBeNull();
    });

    it('redirects with a Location that keeps the bytes of a hostile target percent-encoded', async () => {
      const { url } = await serve((a) =>
        a.get('/go', (_req: IncomingMessage, res: ServerResponse) => a.redirect(res, 301, '/dest?q=%zz é€\u0000')),
      );

      const answer = await fetch(`${url}/go`, { redirect: 'manual' });

      // Node reads a request target as latin1, so é stands for the byte 0xE9 a client sent; € can only come from our code: UTF-8.
      expect([answer.status, answer.headers.get('location')]).toEqual([301, '/dest?q=%25zz%20%E9%E2%82%AC%00']);
    });

    it('reads the host name from the Host header without its port', () => {
      const adapter = new GatewayHttpAdapter();
      const host = (value?: string) => adapter.getRequestHostname({ headers: { host: value } } as IncomingMessage);

      expect([host('gw.example:18789'), host('[::1]:80'), host('[::1]'), host('plain'), host()]).toEqual([
        'gw.example',
        '[::1]',
        '[::1]',
        'plain',
        '',
      ]);
    });

    it.each([
      ['put', (a: GatewayHttpAdapter) => a.put()],
      ['CORS', (a: GatewayHttpAdapter) => a.enableCors()],
      ['Nest middleware', (a: GatewayHttpAdapter) => a.createMiddlewareFactory()],
      ['versioning', (a: GatewayHttpAdapter) => a.applyVersionFilter()],
      ['body parsers', (a: GatewayHttpAdapter) => a.registerParserMiddleware()],
      ['static assets', (a: GatewayHttpAdapter) => a.useStaticAssets()],
      ['middleware on a path', (a: GatewayHttpAdapter) => a.use('/x', ok('x'))],
    ])('refuses %s with a clear error', (_what, call) => {
      expect(() => call(new GatewayHttpAdapter())).toThrow(/not supported by nestclaw's HTTP adapter/);
    });
  });

  describe('hostile requests', () => {
    it('answers a malformed request with 400 and keeps serving', async () => {
      const { url, port } = await serve((a) => a.get('/healthz', ok('get')));

      const answer = await raw(port, 'GARBAGE\r\n\r\n');
      const after = await fetch(`${url}/healthz`);

      expect(statusOf(answer)).toBe(400);
      expect(after.status).toBe(200);
    });

    it(`refuses headers over ${MAX_HEADER_BYTES} bytes with 431`, async () => {
      const { port } = await serve((a) => a.get('/healthz', ok('get')));

      const answer = await raw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(MAX_HEADER_BYTES)}\r\n\r\n`);

      expect(statusOf(answer)).toBe(431);
    });
  });
});
