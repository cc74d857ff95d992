import fc from 'fast-check';
import * as http from 'node:http';
import * as net from 'node:net';
import { sendJson } from './http-io';
import { JsonBodyLimits, readJsonBody } from './json-body';

const LIMITS: JsonBodyLimits = { maxBytes: 1024, maxDepth: 4 };

describe(readJsonBody.name, () => {
  let server: http.Server;
  let url: string;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      void readJsonBody(req, LIMITS).then((body) =>
        body.ok
          ? sendJson(res, 200, { value: body.value })
          : sendJson(res, body.status, { error: body.message }, body.closeConnection ? { Connection: 'close' } : {}),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    url = `http://127.0.0.1:${port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = async (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const res = await fetch(url, { method: 'POST', headers, body });
    return { status: res.status, body: (await res.json()) as { value?: unknown; error?: string } };
  };

  it('parses a JSON body within the limits', async () => {
    expect(await post('{"update_id":1,"message":{"text":"hi"}}', { 'content-type': 'application/json; charset=utf-8' })).toEqual({
      status: 200,
      body: { value: { update_id: 1, message: { text: 'hi' } } },
    });
  });

  it('answers 400 to a body that is not JSON, not UTF-8 or not sent as JSON, saying what to send', async () => {
    const answers = await Promise.all([
      post('{"update_id":'),
      post(Buffer.from([0x22, 0xff, 0x22])),
      post('{}', { 'content-type': 'text/plain' }),
      post('{}', {}),
    ]);

    expect(answers).toEqual([
      { status: 400, body: { error: 'the body is not valid JSON' } },
      { status: 400, body: { error: 'the body is not valid UTF-8' } },
      { status: 400, body: { error: 'the body must be JSON sent with Content-Type: application/json' } },
      { status: 400, body: { error: 'the body must be JSON sent with Content-Type: application/json' } },
    ]);
  });

  it('answers 400 to nesting deeper than the limit, counting brackets inside strings as text', async () => {
    const deep = await post('[[[[[1]]]]]');
    const inString = await post('{"a":"[[[[[[[[[[\\"{{{{{{{"}');

    expect(deep).toEqual({ status: 400, body: { error: 'the body nests deeper than 4 levels' } });
    expect(inString.status).toBe(200);
  });

  it('answers 415 to a compressed body or another charset', async () => {
    const gzip = await post('{}', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    const latin1 = await post('{}', { 'content-type': 'application/json; charset=latin1' });

    expect([gzip.status, latin1.status]).toEqual([415, 415]);
  });

  it('answers 413 to a declared length over the limit, and closes the connection', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `"${'a'.repeat(LIMITS.maxBytes)}"`,
    });

    expect([res.status, res.headers.get('connection'), await res.json()]).toEqual([
      413,
      'close',
      { error: `the body is larger than ${LIMITS.maxBytes} bytes` },
    ]);
  });

  it('answers 413 to a chunked body once it grows over the limit, and closes the connection', async () => {
    // Arrange: a chunked upload that never ends on its own.
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);

    // Act
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = 'a'.repeat(600);
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    await closed;

    // Assert
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers any body with 200 or a 4xx and never fails the server', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 1500 }), async (bytes) => {
        const { status } = await post(bytes);
        expect([200, 400, 413]).toContain(status);
      }),
      { numRuns: 60 },
    );
    expect((await post('{"still":"serving"}')).status).toBe(200);
  });
});
