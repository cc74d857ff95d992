import * as net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/**
 * A TCP relay on 127.0.0.1 in front of a gateway, for tests of what a client
 * does when the link goes silent: freeze() stops forwarding in both
 * directions while every socket stays open (a NAT that lost its state, a
 * laptop lid), cut() drops every connection at once.
 */
export class TcpRelay {
  private readonly pairs = new Set<Pair>();
  private frozen = false;
  /** Connections accepted since start, including closed ones. */
  accepted = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpRelay> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const relay = new TcpRelay(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => relay.onConnection(client, targetPort, targetHost));
    return relay;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Connections currently held open. */
  get openConnections(): number {
    return this.pairs.size;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Stops forwarding both ways without closing anything; new connections are held too. */
  freeze(): void {
    this.frozen = true;
    for (const { client, upstream } of this.pairs) {
      client.pause();
      upstream.pause();
    }
  }

  /** Forwards again, starting with whatever was held back. */
  unfreeze(): void {
    this.frozen = false;
    for (const { client, upstream } of this.pairs) {
      client.resume();
      upstream.resume();
    }
  }

  /** Drops every current connection on both sides. */
  cut(): void {
    for (const pair of [...this.pairs]) this.drop(pair);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(client: net.Socket, targetPort: number, targetHost: string): void {
    this.accepted++;
    const upstream = net.connect(targetPort, targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    if (this.frozen) {
      client.pause();
      upstream.pause();
    }
    this.forward(client, upstream);
    this.forward(upstream, client);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ]) {
      socket.on('error', () => this.drop(pair));
      // end(), not destroy(): what was already forwarded (a close frame) still reaches the other side.
      socket.on('close', () => {
        other.end();
        if (other.destroyed) this.pairs.delete(pair);
      });
    }
  }

  private forward(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk) => {
      if (to.write(chunk)) return;
      from.pause();
      to.once('drain', () => {
        if (!this.frozen) from.resume();
      });
    });
    from.on('end', () => to.end());
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    pair.client.destroy();
    pair.upstream.destroy();
  }
}
