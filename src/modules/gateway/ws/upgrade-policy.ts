import type { IncomingMessage } from 'node:http';
import { headerValue } from '../../../common/net';

const CREDENTIAL_QUERY_KEYS = ['token', 'password', 'auth', 'key', 'secret', 'devicetoken', 'access_token'];

export type UpgradeVerdict = { ok: true } | { ok: false; status: number; message: string };

/**
 * Connection-level refusals decided on the HTTP upgrade, before any frame:
 * a foreign browser Origin (a web page must not drive the gateway through the
 * user's browser) and credentials in the URL (they end up in proxy logs).
 */
export function checkUpgrade(req: IncomingMessage, allowedOrigins: readonly string[]): UpgradeVerdict {
  const query = new URL(req.url ?? '/', 'http://gateway.invalid').searchParams;
  for (const key of query.keys()) {
    if (CREDENTIAL_QUERY_KEYS.includes(key.toLowerCase())) {
      return { ok: false, status: 400, message: 'credentials are not accepted in the URL; send them in the connect request' };
    }
  }
  const origin = headerValue(req.headers.origin);
  if (origin !== undefined && !isAllowedOrigin(origin, headerValue(req.headers.host), allowedOrigins)) {
    return {
      ok: false,
      status: 403,
      message: 'origin not allowed; add it to gateway.controlUi.allowedOrigins to let that page connect',
    };
  }
  return { ok: true };
}

export function isAllowedOrigin(origin: string, host: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (allowedOrigins.includes(origin) || allowedOrigins.includes('*')) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  // The gateway's own pages (Control UI) are served from the very host the socket was opened on.
  return (
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') && host !== undefined && parsed.host === host.toLowerCase()
  );
}
