import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import * as os from 'node:os';
import { addressKind } from '../audit/address-kind';

export interface UrlPolicyOptions {
  /** Glob patterns over the whole URL; a match may reach a loopback or private address. */
  allowUrls: readonly string[];
  /** Glob patterns over the whole URL; a match is refused whatever else applies. */
  denyUrls: readonly string[];
  /** The gateway's own port: never reachable on this host, not even through allowUrls. */
  protectedPort?: number;
  /** Every address a host name resolves to; tests and the node host may swap it. */
  resolve?: (hostname: string) => Promise<string[]>;
  /** This machine's own addresses (loopback is always counted). */
  localAddresses?: () => readonly string[];
}

export type UrlVerdict = { allowed: true } | { allowed: false; reason: string };

/** Schemes a page may load; file:, data: navigations, chrome: and the rest are refused. */
const WEB_SCHEMES = new Set(['http:', 'https:']);

/**
 * Decides whether the browser may load a URL. Called for the first URL and
 * again for every request the page makes (redirect hops, subresources,
 * frames, websockets), so a public page cannot walk the browser into the
 * owner's LAN (server-side request forgery). Host names are resolved here and
 * every resolved address must pass, so a name that points at 127.0.0.1 gets
 * no further than the literal address would.
 */
export class UrlPolicy {
  private readonly allow: RegExp[];
  private readonly deny: RegExp[];
  private readonly resolve: (hostname: string) => Promise<string[]>;
  private readonly localAddresses: () => readonly string[];

  constructor(private readonly options: UrlPolicyOptions) {
    this.allow = options.allowUrls.map(globToRegExp);
    this.deny = options.denyUrls.map(globToRegExp);
    this.resolve = options.resolve ?? resolveAll;
    this.localAddresses = options.localAddresses ?? interfaceAddresses;
  }

  async check(raw: string): Promise<UrlVerdict> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return refuse('not a valid absolute URL (e.g. https://example.com/)');
    }
    if (!WEB_SCHEMES.has(url.protocol)) {
      return refuse(`the ${url.protocol} scheme is not allowed; only http: and https: pages may be opened`);
    }
    const href = url.href;
    const denied = this.options.denyUrls.find((_, index) => this.deny[index].test(href));
    if (denied !== undefined) return refuse(`the URL matches tools.browser.denyUrls entry "${denied}"`);
    const explicitlyAllowed = this.allow.some((pattern) => pattern.test(href));

    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    try {
      addresses = isIP(hostname) ? [hostname] : await this.resolve(hostname);
    } catch {
      return refuse(`the host name ${hostname} could not be resolved`);
    }
    if (addresses.length === 0) return refuse(`the host name ${hostname} has no addresses`);

    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const own = new Set(this.localAddresses().map(normalizeAddress));
    for (const resolved of addresses) {
      const address = normalizeAddress(resolved);
      const kind = addressKind(address);
      const onThisHost = kind === 'loopback' || kind === 'unspecified' || own.has(address);
      if (onThisHost && port === this.options.protectedPort) {
        return refuse(`${hostname}:${port} is this gateway's own port, which the browser may never open`);
      }
      if (kind !== 'public' && !explicitlyAllowed) {
        const shown = resolved === hostname ? address : `${hostname} resolves to ${address}`;
        return refuse(
          `${shown}, a ${kind} address; such destinations are refused unless a tools.browser.allowUrls pattern matches the URL`,
        );
      }
    }
    return { allowed: true };
  }
}

/** `*` matches any run of characters (slashes too), `?` one character; the whole URL must match (the URL parser has already lower-cased scheme and host). */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

function refuse(reason: string): UrlVerdict {
  return { allowed: false, reason };
}

async function resolveAll(hostname: string): Promise<string[]> {
  const results = await lookup(hostname, { all: true, verbatim: true });
  return results.map((result) => result.address);
}

function interfaceAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .map((info) => info?.address)
    .filter((address): address is string => typeof address === 'string');
}

/** IPv4-mapped IPv6 in either spelling (::ffff:127.0.0.1, or ::ffff:7f00:1 as the URL parser writes it) becomes plain IPv4. */
function normalizeAddress(address: string): string {
  const plain = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(plain);
  if (!hex) return plain;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
