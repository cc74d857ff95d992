import { isIP } from 'node:net';
import { headerValue, isLoopbackAddress, UpgradeRequestInfo } from '../../common/net';

/** What a request says about its Tailscale user; believed only after `tailscale whois` agrees. */
export interface TailscaleClaim {
  login: string;
  /** The tailnet address Serve saw the request come from. */
  clientIp: string;
}

/** Serve sets all four; Funnel sets the forwarding headers but never the user login. */
const SERVE_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'tailscale-user-login'] as const;

/**
 * The identity claim of a request forwarded by the local Tailscale Serve
 * proxy, or undefined. Serve connects from loopback, so the same headers from
 * any other peer are spoofed and ignored.
 */
export function readTailscaleClaim(req: UpgradeRequestInfo): TailscaleClaim | undefined {
  if (!isLoopbackAddress(req.peerAddress)) return undefined;
  const values = SERVE_HEADERS.map((name) => headerValue(req.headers[name])?.trim());
  if (values.some((value) => !value)) return undefined;
  const [forwardedFor, , , login] = values as string[];
  // The hop Serve itself appended is the last one; anything before it came from the client.
  const clientIp = forwardedFor.split(',').pop()!.trim();
  if (isIP(clientIp) === 0) return undefined;
  return { login, clientIp };
}
