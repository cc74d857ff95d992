import { isLoopbackAddress } from './bind';

/** What the connection layer knows about the HTTP upgrade request. */
export interface UpgradeRequestInfo {
  peerAddress: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-real-ip'];

export function hasForwardingHeaders(req: UpgradeRequestInfo): boolean {
  return FORWARDING_HEADERS.some((name) => req.headers[name] !== undefined);
}

export function isTrustedProxy(address: string | undefined, trustedProxies: readonly string[]): boolean {
  return address !== undefined && trustedProxies.includes(normalizeAddress(address));
}

/**
 * The address we attribute the connection to. Forwarded-for is believed only
 * from a trusted proxy, and then the rightmost hop that is not itself trusted.
 */
export function resolveClientAddress(req: UpgradeRequestInfo, trustedProxies: readonly string[]): string {
  const peer = normalizeAddress(req.peerAddress ?? 'unknown');
  if (!isTrustedProxy(peer, trustedProxies)) return peer;
  const hops = headerValue(req.headers['x-forwarded-for'])
    ?.split(',')
    .map((hop) => normalizeAddress(hop.trim()))
    .filter(Boolean);
  if (!hops?.length) return peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trustedProxies.includes(hops[i])) return hops[i];
  }
  return hops[0];
}

/**
 * PROTOCOL.md's "local": loopback peer, a local Host name, and no proxy
 * headers unless a trusted proxy sent them for a loopback client.
 */
export function isLocalRequest(req: UpgradeRequestInfo, trustedProxies: readonly string[]): boolean {
  if (!isLoopbackAddress(req.peerAddress)) return false;
  if (!isLocalHostHeader(headerValue(req.headers.host))) return false;
  if (!hasForwardingHeaders(req)) return true;
  if (!isTrustedProxy(req.peerAddress, trustedProxies)) return false;
  // A proxy that forwards without X-Forwarded-For tells us nothing about the client: never local.
  if (!headerValue(req.headers['x-forwarded-for'])) return false;
  return isLoopbackAddress(resolveClientAddress(req, trustedProxies));
}

export function isLocalHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const name = hostnameOf(host).toLowerCase();
  return name === 'localhost' || name === '127.0.0.1' || name === '::1' || name.endsWith('.ts.net');
}

/** Strips the port from a Host header value, IPv6 brackets included. */
export function hostnameOf(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end > 0 ? host.slice(1, end) : host;
  }
  const colon = host.indexOf(':');
  return colon === -1 || host.indexOf(':', colon + 1) !== -1 ? host : host.slice(0, colon);
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
