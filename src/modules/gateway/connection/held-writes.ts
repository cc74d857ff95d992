import type { Socket } from 'node:net';

/** Past this many held bytes a turn's writes go out anyway: batching small answers is the point, not holding large ones. */
export const HELD_WRITES_MAX_BYTES = 64 * 1024;

const heldThisTurn = new WeakSet<Socket>();

/**
 * Holds the socket's writes until the current turn ends, then sends them in
 * one system call. Frames that arrive in one read (a client with requests in
 * flight) are answered in the same turn, so their answers leave together
 * instead of one write each; the 101 answer and the connect.challenge after
 * it likewise. Nothing waits longer than the turn that wrote it.
 */
export function holdWritesThisTurn(socket: Socket): void {
  if (heldThisTurn.has(socket)) return;
  heldThisTurn.add(socket);
  socket.cork();
  process.nextTick(() => {
    heldThisTurn.delete(socket);
    socket.uncork();
  });
}

/**
 * Sends what this turn holds so far, and goes on holding. Held bytes are
 * ours, not the client's unread backlog: they must never count toward the
 * slow-consumer budget. True when something was sent.
 */
export function releaseHeldWrites(socket: Socket): boolean {
  if (!heldThisTurn.has(socket) || socket.writableLength === 0) return false;
  socket.uncork();
  socket.cork();
  return true;
}
