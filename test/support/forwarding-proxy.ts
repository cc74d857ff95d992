import * as net from 'node:net';

/**
 * A proxy on 127.0.0.1 that adds `X-Forwarded-For` to the HTTP upgrade and
 * then relays bytes both ways. The gateway sees proxy headers from a peer it
 * does not trust, so the connection counts as remote: the way to make a real
 * client look like it came from another machine without leaving loopback.
 */
export class ForwardingProxy {
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, forwardedFor = '203.0.113.7'): Promise<ForwardingProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new ForwardingProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.relay(client, targetPort, forwardedFor));
    return proxy;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private relay(client: net.Socket, targetPort: number, forwardedFor: string): void {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const lineEnd = head.indexOf('\r\n');
      if (lineEnd === -1) return;
      client.off('data', onHead);
      const header = Buffer.from(`\r\nX-Forwarded-For: ${forwardedFor}`);
      upstream.write(Buffer.concat([head.subarray(0, lineEnd), header, head.subarray(lineEnd)]));
      client.pipe(upstream);
      upstream.pipe(client);
    };
    client.on('data', onHead);
  }
}
