import * as http from 'node:http';
import * as net from 'node:net';
import { WebSocketServer } from 'ws';
import { checkGatewayHandshake } from './gateway-check';

describe('checkGatewayHandshake', () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  const wsServer = async (onOpen: (socket: import('ws').WebSocket) => void): Promise<number> => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', onOpen);
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => {
      server.clients.forEach((client) => client.terminate());
      return new Promise((resolve) => server.close(resolve));
    });
    return (server.address() as net.AddressInfo).port;
  };

  it('succeeds on the connect.challenge event', async () => {
    const port = await wsServer((socket) =>
      socket.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce: 'n' } })),
    );
    expect(await checkGatewayHandshake(port, 2_000)).toEqual({ ok: true });
  });

  it('fails when the server says nothing', async () => {
    const port = await wsServer(() => undefined);
    expect(await checkGatewayHandshake(port, 200)).toEqual({ ok: false, reason: 'no connect.challenge within 200 ms' });
  });

  it('fails when the server closes first', async () => {
    const port = await wsServer((socket) => socket.close(1011));
    expect(await checkGatewayHandshake(port, 2_000)).toEqual({ ok: false, reason: 'closed before the challenge (code 1011)' });
  });

  it('fails when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await checkGatewayHandshake(port, 2_000)).toEqual({ ok: false, reason: 'ECONNREFUSED' });
  });

  it('fails on a plain HTTP server', async () => {
    const server = http.createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const result = await checkGatewayHandshake((server.address() as net.AddressInfo).port, 2_000);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('HTTP 404') });
  });

  it('gives up at once when aborted', async () => {
    const port = await wsServer(() => undefined);
    const abort = new AbortController();
    const pending = checkGatewayHandshake(port, 10_000, abort.signal);
    setTimeout(() => abort.abort(), 50);
    expect(await pending).toEqual({ ok: false, reason: 'cancelled' });
  });
});
