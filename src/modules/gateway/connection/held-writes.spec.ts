import * as net from 'node:net';
import { HELD_WRITES_MAX_BYTES, holdWritesThisTurn, releaseHeldWrites } from './held-writes';

describe(holdWritesThisTurn.name, () => {
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
    holdWritesThisTurn(peer);
    peer.write('one,');
    holdWritesThisTurn(peer);
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

  it('sends what the turn holds on release, and goes on holding', () => {
    // Arrange
    holdWritesThisTurn(peer);
    peer.write('x'.repeat(HELD_WRITES_MAX_BYTES));

    // Act
    const released = releaseHeldWrites(peer);

    // Assert
    expect(released).toBe(true);
    expect(peer.writableLength).toBeLessThan(HELD_WRITES_MAX_BYTES);
    expect(peer.writableCorked).toBe(1);
    expect(releaseHeldWrites(client)).toBe(false);
  });

  it('holds again in a later turn', async () => {
    holdWritesThisTurn(peer);
    await new Promise((resolve) => process.nextTick(resolve));

    holdWritesThisTurn(peer);

    expect(peer.writableCorked).toBe(1);
  });
});
