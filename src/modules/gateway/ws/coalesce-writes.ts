import type { Socket } from 'node:net';

const heldThisTurn = new WeakSet<Socket>();

/**
 * Holds the socket's writes until the current turn ends, then sends them in
 * one system call. Frames that arrive in one read (a client with requests in
 * flight) are answered in the same turn, so their answers leave together
 * instead of one write each; the 101 answer and the connect.challenge after
 * it likewise. Nothing waits longer than the turn that wrote it.
 */
export function coalesceWritesThisTurn(socket: Socket): void {
  if (heldThisTurn.has(socket)) return;
  heldThisTurn.add(socket);
  socket.cork();
  process.nextTick(() => {
    heldThisTurn.delete(socket);
    socket.uncork();
  });
}
