import WebSocket from 'ws';
import { GatewayEvent } from '../../common/protocol/events';

export type GatewayCheckResult = { ok: true } | { ok: false; reason: string };

/**
 * Opens a WebSocket to the local end of the tunnel and waits for the
 * gateway's `connect.challenge`, which it sends as soon as a socket opens, so
 * no credentials are needed. A listening ssh alone proves nothing: it accepts
 * the TCP connection even when nothing answers on the far side.
 */
export function checkGatewayHandshake(localPort: number, timeoutMs: number, signal?: AbortSignal): Promise<GatewayCheckResult> {
  if (signal?.aborted) return Promise.resolve({ ok: false, reason: 'cancelled' });
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${localPort}`, { handshakeTimeout: timeoutMs });
    let settled = false;
    const finish = (result: GatewayCheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      // A listener keeps errors from the teardown away from the process.
      socket.on('error', () => undefined);
      socket.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `no connect.challenge within ${timeoutMs} ms` }), timeoutMs);
    signal?.addEventListener('abort', () => finish({ ok: false, reason: 'cancelled' }), { once: true });
    socket.on('message', (data) => {
      if (isChallenge(data.toString())) finish({ ok: true });
    });
    socket.on('unexpected-response', (_request, response) =>
      finish({ ok: false, reason: `HTTP ${response.statusCode} instead of a WebSocket upgrade: is this a nestclaw gateway?` }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: error.code ?? error.message }));
    socket.on('close', (code) => finish({ ok: false, reason: `closed before the challenge (code ${code})` }));
  });
}

function isChallenge(text: string): boolean {
  try {
    const frame = JSON.parse(text) as { type?: unknown; event?: unknown };
    return frame.type === 'event' && frame.event === GatewayEvent.ConnectChallenge;
  } catch {
    return false;
  }
}
