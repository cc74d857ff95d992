import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { headerValue, hostnameOf } from '../../../common/net';

const CREDENTIAL_QUERY_KEYS = ['token', 'password', 'auth', 'key', 'secret', 'devicetoken', 'access_token'];

export type UpgradeVerdict = { ok: true } | { ok: false; status: number; message: string };

/** What the upgrade checks are decided against; built once at start-up (see servedHostPolicy). */
export interface UpgradePolicy {
  allowedOrigins: readonly string[];
  /** Host names (lowercase, no port) this gateway answers to, besides IP literals and localhost. */
  servedHosts: readonly string[];
  /** Under Tailscale Serve/Funnel the name is the machine's `*.ts.net` one. */
  tailnetNames: boolean;
}

export interface ServedHostSources {
  bindHosts: readonly string[];
  hostName: string;
  tailscaleMode: string;
  allowedOrigins: readonly string[];
  allowedHosts: readonly string[];
}

/** Every name this gateway is reachable under by design (docs/protocol.md, "Host check"). */
export function servedHostPolicy(sources: ServedHostSources): UpgradePolicy {
  const names = new Set<string>();
  const add = (name: string | undefined) => {
    const plain = name?.trim().toLowerCase().replace(/\.$/, '');
    if (plain) names.add(plain);
  };
  add(sources.hostName);
  // The mDNS name of the same machine, as a LAN browser spells it.
  if (sources.hostName && !sources.hostName.includes('.')) add(`${sources.hostName}.local`);
  sources.bindHosts.forEach(add);
  sources.allowedHosts.forEach((host) => add(host.includes('://') ? safeUrlHost(host) : hostnameOf(host)));
  sources.allowedOrigins.forEach((origin) => add(safeUrlHost(origin)));
  return {
    allowedOrigins: sources.allowedOrigins,
    servedHosts: [...names],
    tailnetNames: sources.tailscaleMode !== 'off',
  };
}

/**
 * Connection-level refusals decided on the HTTP upgrade, before any frame:
 * credentials in the URL (they end up in proxy logs), a Host this gateway
 * does not serve (DNS rebinding: a page on an attacker's name that resolves
 * to 127.0.0.1 passes the Origin check, because its Origin and Host agree),
 * and a foreign browser Origin (a web page must not drive the gateway
 * through the user's browser).
 */
export function checkUpgrade(req: IncomingMessage, policy: UpgradePolicy): UpgradeVerdict {
  const query = new URL(req.url ?? '/', 'http://gateway.invalid').searchParams;
  for (const key of query.keys()) {
    if (CREDENTIAL_QUERY_KEYS.includes(key.toLowerCase())) {
      return { ok: false, status: 400, message: 'credentials are not accepted in the URL; send them in the connect request' };
    }
  }
  const host = headerValue(req.headers.host);
  if (!isServedHost(host, policy)) {
    return {
      ok: false,
      status: 403,
      message: `host not allowed: this gateway does not serve the name ${describeHost(host)}; if you reach it under that name on purpose (a reverse proxy), add it to gateway.allowedHosts`,
    };
  }
  const origin = headerValue(req.headers.origin);
  if (origin !== undefined && !isAllowedOrigin(origin, host, policy.allowedOrigins)) {
    return {
      ok: false,
      status: 403,
      message: 'origin not allowed; add it to gateway.controlUi.allowedOrigins to let that page connect',
    };
  }
  return { ok: true };
}

/** An IP literal cannot be rebound, so only names are checked. */
export function isServedHost(host: string | undefined, policy: Pick<UpgradePolicy, 'servedHosts' | 'tailnetNames'>): boolean {
  if (!host) return false;
  const name = hostnameOf(host.trim()).toLowerCase().replace(/\.$/, '');
  if (isIP(name) !== 0 || name === 'localhost') return true;
  if (policy.tailnetNames && name.endsWith('.ts.net')) return true;
  return policy.servedHosts.includes(name);
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

function safeUrlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/** The refused name, bounded and printable: it goes into a log line and an HTTP status text. */
function describeHost(host: string | undefined): string {
  if (!host) return '(no Host header)';
  const printable = host.replace(/[^\x21-\x7e]/g, '?').slice(0, 100);
  return `"${printable}"`;
}
