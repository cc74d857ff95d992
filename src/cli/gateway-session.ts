import { GatewayClient } from '../common/client';
import { DeviceTokenStore, loadOrCreateDeviceIdentity } from '../common/identity';
import { NESTCLAW_VERSION } from '../common/version';
import { UsageError } from './exit-codes';
import type { GatewayTarget } from './target';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** The CLI's client for a target: this machine's device identity, the standard `cli` id, scopes as asked. */
export function cliClient(
  target: GatewayTarget,
  timeoutMs: number,
  // Named, not left empty: a nestclaw gateway grants operator.admin for none, a reference gateway grants nothing.
  scopes: string[] = ['operator.admin'],
): GatewayClient {
  return new GatewayClient({
    url: target.url,
    token: target.token,
    password: target.password,
    tlsFingerprint: target.tlsFingerprint,
    identity: loadOrCreateDeviceIdentity(target.stateDir),
    deviceTokens: new DeviceTokenStore(target.stateDir),
    // A secret typed on the command line is what gets judged: a stored device token must not make a wrong one pass.
    explicitCredentials: target.credentialSource === '--token' || target.credentialSource === '--password',
    client: { id: 'cli', version: NESTCLAW_VERSION, platform: process.platform, mode: 'cli' },
    scopes,
    connectTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
  });
}

/** Connects as the CLI (operator with this machine's device identity), runs `work`, and always disconnects. */
export async function withGateway<T>(
  target: GatewayTarget,
  timeoutMs: number,
  work: (client: GatewayClient) => Promise<T>,
): Promise<T> {
  const client = cliClient(target, timeoutMs);
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.stop();
  }
}

export function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError(`--timeout must be a positive number of milliseconds (got ${JSON.stringify(value)})`);
  return ms;
}
