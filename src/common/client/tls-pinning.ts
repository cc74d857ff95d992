import { createHash } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { GatewayClientError } from './client-errors';

/**
 * A createConnection for `ws` that trusts exactly one certificate: the one
 * whose SHA-256 matches the pin. CA checks are off because a pinned gateway
 * usually has a self-signed certificate; the pin is the stronger check. The
 * socket is destroyed on mismatch before any frame (and so any secret) is sent.
 */
export function pinnedTlsConnection(expectedHex: string) {
  return (options: tls.ConnectionOptions & { host?: string; path?: string }): tls.TLSSocket => {
    const host = options.host ?? 'localhost';
    const socket = tls.connect({
      ...options,
      path: undefined,
      servername: options.servername ?? (net.isIP(host) ? undefined : host),
      rejectUnauthorized: false,
    });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate()?.raw;
      const seen = raw ? createHash('sha256').update(raw).digest('hex') : undefined;
      if (seen !== expectedHex) {
        socket.destroy(
          new GatewayClientError('tls-mismatch', 'the gateway certificate does not match the pinned fingerprint', {
            expectedFingerprint: expectedHex,
            seenFingerprint: seen,
          }),
        );
      }
    });
    return socket;
  };
}
