import { createHash } from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import * as net from 'node:net';
import * as tls from 'node:tls';
import WebSocket from 'ws';
import { pinnedTlsConnection } from '../../common/client/tls-pinning';
import { formatFingerprint, normalizeFingerprint } from '../../common/net/fingerprint';
import type { GatewayTarget } from '../target';
import { HopFailure } from './doctor.types';

/** Bounded reads of a refused upgrade's body: the gateway's reason is one short line. */
const MAX_REFUSAL_BODY = 2_048;

export interface Endpoint {
  host: string;
  port: number;
  secure: boolean;
}

export function endpointOf(url: string): Endpoint {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'wss:';
  // URL keeps the brackets of an IPv6 literal; the socket APIs want them off.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(parsed.port || (secure ? 443 : 80)), secure };
}

/** Whether the URL goes through this machine's loopback: a local gateway, or a tunnel that ends here. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function unreachableFix(target: GatewayTarget, endpoint: Endpoint): string {
  if (target.urlSource.startsWith('local gateway')) {
    return 'start the gateway on this host: `nestclaw gateway run` (or `systemctl --user start nestclaw-gateway` when it is installed as a service)';
  }
  if (isLoopbackHost(endpoint.host)) {
    return `nothing answers on this machine's port ${endpoint.port}: open the SSH tunnel to the gateway host first (\`nestclaw tunnel ssh user@host --local-port ${endpoint.port}\`), or check the gateway runs there`;
  }
  return `check that the gateway runs on ${endpoint.host} and that a firewall lets port ${endpoint.port} through; a loopback-bound gateway is reached by an SSH tunnel (\`nestclaw tunnel ssh user@${endpoint.host}\`)`;
}

export async function checkDns(target: GatewayTarget, endpoint: Endpoint): Promise<{ address: string; detail: string }> {
  if (net.isIP(endpoint.host)) return { address: endpoint.host, detail: `${endpoint.host} is an address, nothing to resolve` };
  try {
    const found = await dnsPromises.lookup(endpoint.host, { all: true });
    const addresses = found.map((entry) => entry.address);
    return { address: addresses[0], detail: `${endpoint.host} → ${addresses.join(', ')}` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new HopFailure(
      `${endpoint.host} does not resolve (${code})`,
      `check the host name in ${target.url} (from ${target.urlSource}); \`getent hosts ${endpoint.host}\` must print an address`,
    );
  }
}

export async function checkTcp(target: GatewayTarget, endpoint: Endpoint, address: string, timeoutMs: number): Promise<string> {
  const where = net.isIPv6(address) ? `[${address}]:${endpoint.port}` : `${address}:${endpoint.port}`;
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: address, port: endpoint.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new HopFailure(
          `no answer from ${where} within ${timeoutMs} ms`,
          `a firewall may drop the packets, or the address is wrong; ${unreachableFix(target, endpoint)}`,
        ),
      );
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const refused = error.code === 'ECONNREFUSED';
      reject(
        new HopFailure(
          refused
            ? `nothing is listening on ${where} (connection refused)`
            : `cannot connect to ${where} (${error.code ?? error.message})`,
          unreachableFix(target, endpoint),
        ),
      );
    });
  });
  return `${where} accepts connections`;
}

export interface TlsFacts {
  /** 64 lowercase hex digits. */
  fingerprint: string;
  /** Whether the system's CAs vouch for it (false for a self-signed gateway certificate). */
  trusted: boolean;
}

/** The certificate the server presents, read without trusting it: the pin or the CA check decides next. */
function readCertificate(endpoint: Endpoint, address: string, timeoutMs: number): Promise<TlsFacts> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: address,
      port: endpoint.port,
      servername: net.isIP(endpoint.host) ? undefined : endpoint.host,
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    socket.once('secureConnect', () => {
      const raw = socket.getPeerCertificate()?.raw;
      const facts = { fingerprint: raw ? createHash('sha256').update(raw).digest('hex') : '', trusted: socket.authorized };
      socket.destroy();
      resolve(facts);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error('the TLS handshake timed out'));
    });
    socket.once('error', reject);
  });
}

export async function checkTls(
  target: GatewayTarget,
  endpoint: Endpoint,
  address: string,
  timeoutMs: number,
): Promise<string | undefined> {
  if (!endpoint.secure) return undefined;
  let facts: TlsFacts;
  try {
    facts = await readCertificate(endpoint, address, timeoutMs);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const plain = /wrong version number|packet length too long|EPROTO/i.test(text);
    throw new HopFailure(
      plain ? 'the server does not speak TLS on that port' : `TLS handshake failed (${text})`,
      plain
        ? `the gateway serves plain ws:// there: use ${target.url.replace(/^wss:/, 'ws:')} (or enable gateway.tls on the gateway)`
        : 'check that the URL points at the gateway port and that gateway.tls is enabled there',
    );
  }
  const seen = formatFingerprint(facts.fingerprint);
  const pin = target.tlsFingerprint !== undefined ? normalizeFingerprint(target.tlsFingerprint) : undefined;
  if (pin) {
    if (pin !== facts.fingerprint) {
      throw new HopFailure(
        `the certificate's SHA-256 is ${seen}, the pin expects ${formatFingerprint(pin)}`,
        'compare with the fingerprint the gateway prints at start (`nestclaw status` on the gateway host); if the certificate changed on purpose, update gateway.remote.tlsFingerprint or --tls-fingerprint, otherwise someone may be in the middle: do not connect',
      );
    }
    return `certificate pinned and matching (${seen})`;
  }
  if (!facts.trusted) {
    throw new HopFailure(
      `the certificate is not trusted by this machine and nothing pins it (SHA-256 ${seen})`,
      'check that fingerprint against the one the gateway printed at start, then pass --tls-fingerprint <sha256> or set gateway.remote.tlsFingerprint',
    );
  }
  return `certificate trusted by the system CAs (${seen})`;
}

/**
 * Opens the WebSocket the way a client does (with `origin` as a browser
 * page would send it) and waits for the gateway's connect.challenge; no
 * credential is sent here.
 */
export function checkUpgrade(
  target: GatewayTarget,
  endpoint: Endpoint,
  address: string,
  origin: string | undefined,
  timeoutMs: number,
): Promise<string> {
  const pin = target.tlsFingerprint !== undefined ? normalizeFingerprint(target.tlsFingerprint) : undefined;
  const socket = new WebSocket(target.url, {
    handshakeTimeout: timeoutMs,
    perMessageDeflate: false,
    maxPayload: 64 * 1024,
    ...(origin ? { headers: { origin } } : {}),
    ...(pin ? { createConnection: pinnedTlsConnection(pin) as never } : {}),
  });
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new HopFailure(`no connect.challenge within ${timeoutMs} ms`, notGatewayFix(endpoint))),
      timeoutMs,
    );
    let settled = false;
    const finish = (outcome: string | HopFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      if (typeof outcome === 'string') resolve(outcome);
      else reject(outcome);
    };
    socket.on('message', (data) => {
      const frame = safeParse(data.toString());
      if (frame?.type === 'event' && frame.event === 'connect.challenge') {
        finish(
          origin ? `WebSocket accepted from Origin ${origin}; challenge received` : 'WebSocket accepted; challenge received',
        );
      } else {
        finish(new HopFailure('the server answered, but not with a gateway challenge', notGatewayFix(endpoint)));
      }
    });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        if (body.length < MAX_REFUSAL_BODY) body += chunk.toString('utf8').slice(0, MAX_REFUSAL_BODY - body.length);
      });
      const done = () => finish(upgradeRefusal(response.statusCode ?? 0, body.trim(), origin, endpoint));
      response.once('end', done);
      response.once('error', done);
    });
    socket.once('error', (error) => {
      const failure = new HopFailure(`the WebSocket upgrade failed (${error.message})`, notGatewayFix(endpoint));
      if (endpoint.secure) return finish(failure);
      // A TLS port answers a plain HTTP request by hanging up; a TLS handshake then tells the two cases apart.
      void readCertificate(endpoint, address, timeoutMs).then(
        () =>
          finish(
            new HopFailure(
              'the port speaks TLS, but the URL is plain ws://',
              `use ${target.url.replace(/^ws:/, 'wss:')} and pin the gateway certificate with --tls-fingerprint <sha256>`,
            ),
          ),
        () => finish(failure),
      );
    });
  });
}

function upgradeRefusal(status: number, body: string, origin: string | undefined, endpoint: Endpoint): HopFailure {
  const reason = body ? `: ${body.split('\n')[0].slice(0, 300)}` : '';
  if (status === 403 && origin) {
    return new HopFailure(
      `the gateway refused the Origin ${origin} (HTTP 403${reason})`,
      `on the gateway host add it to the gateway's config, gateway.controlUi.allowedOrigins: [${JSON.stringify(origin)}], and restart the gateway; or open the page from the gateway's own address (http://127.0.0.1:${endpoint.port}/ through an SSH tunnel)`,
    );
  }
  return new HopFailure(`the server refused the WebSocket upgrade (HTTP ${status}${reason})`, notGatewayFix(endpoint));
}

function notGatewayFix(endpoint: Endpoint): string {
  return `is port ${endpoint.port} really the nestclaw gateway? On the gateway host \`nestclaw doctor\` names the process that owns the port`;
}

function safeParse(text: string): { type?: string; event?: string } | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as { type?: string; event?: string }) : undefined;
  } catch {
    return undefined;
  }
}
