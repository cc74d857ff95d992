import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * The path part of the request target, as sent (not percent-decoded). An
 * absolute-form target (`GET http://host/path`, which HTTP/1.1 servers must
 * accept) gives its path; `*` gives "", which no route matches.
 */
export function requestPath(req: IncomingMessage): string {
  const url = req.url ?? '';
  const authority = /^https?:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
  const target = authority ? url.slice(authority.length) || '/' : url;
  const end = target.search(/[?#]/);
  const path = end === -1 ? target : target.slice(0, end);
  return path.startsWith('/') ? path : '';
}

/** The query with its leading "?", or "" when there is none. */
export function requestQuery(req: IncomingMessage): string {
  const url = req.url ?? '';
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at);
}

/** The Host header without its port (IPv6 keeps its brackets), "" when absent. */
export function requestHostname(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  const portAt = host.startsWith('[') ? host.indexOf(':', host.indexOf(']')) : host.indexOf(':');
  return portAt === -1 ? host : host.slice(0, portAt);
}

export function sendBytes(res: ServerResponse, status: number, body: Buffer | string, headers: OutgoingHttpHeaders): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  // Node drops the body of a HEAD response itself and keeps the length.
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}): void {
  sendBytes(res, status, JSON.stringify(body), { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
}

export function sendText(res: ServerResponse, status: number, text: string, headers: OutgoingHttpHeaders = {}): void {
  sendBytes(res, status, text, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
}

export function sendRedirect(res: ServerResponse, status: number, location: string): void {
  const encoded = encodeLocation(location);
  sendText(res, status, `Redirecting to ${encoded}`, { Location: encoded });
}

/**
 * A Location built from the request target may hold any byte Node let
 * through (it reads the target as latin1); setHeader throws on control
 * characters. Percent-encode every byte outside printable ASCII, and a "%"
 * that does not start an escape, so the redirect keeps the bytes the client sent.
 */
export function encodeLocation(location: string): string {
  return location.replace(/[^\x21-\x7e]|%(?![0-9A-Fa-f]{2})/gu, (char) => {
    const code = char.codePointAt(0)!;
    const bytes = code > 0xff ? [...Buffer.from(char, 'utf8')] : [code];
    return bytes.map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  });
}
