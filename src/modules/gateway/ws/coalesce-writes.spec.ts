import * as net from 'node:net';
import { coalesceWritesThisTurn } from './coalesce-writes';

describe(coalesceWritesThisTurn.name, () => {
  let server: net.Server;
  let client: net.Socket;
  let peer: net.Socket;

  beforeEach(async () => {
    server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    peer = await accepted;
  });
  afterEach(async () => {
    client.destroy();
    peer.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('holds every write of the turn, however often it is asked, and sends them together once the turn ends', async () => {
    // Arrange
    const received: string[] = [];
    client.on('data', (chunk) => received.push(chunk.toString()));

    // Act
    coalesceWritesThisTurn(peer);
    peer.write('one,');
    coalesceWritesThisTurn(peer);
    peer.write('two,');
    const heldDuringTurn = { corked: peer.writableCorked, pending: peer.writableLength };
    await new Promise((resolve) => process.nextTick(resolve));
    const afterTurn = peer.writableCorked;
    await new Promise<void>((resolve) => {
      const check = () => (received.join('') === 'one,two,' ? resolve() : setTimeout(check, 5));
      check();
    });

    // Assert
    expect(heldDuringTurn).toEqual({ corked: 1, pending: 8 });
    expect(afterTurn).toBe(0);
    expect(received.join('')).toBe('one,two,');
  });

  it('holds again in a later turn', async () => {
    coalesceWritesThisTurn(peer);
    await new Promise((resolve) => process.nextTick(resolve));

    coalesceWritesThisTurn(peer);

    expect(peer.writableCorked).toBe(1);
  });
});
