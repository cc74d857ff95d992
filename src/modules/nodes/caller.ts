import type { ConnectionSession } from '../gateway/connection/connection';

/**
 * The principal behind a connection, for scoping idempotency keys: a paired
 * device, a Tailscale login, or else whoever holds the shared secret (all
 * holders of one token are one principal; their retries may share a key).
 */
export function callerOf(session: Pick<ConnectionSession, 'deviceId' | 'tailscaleLogin'>): string {
  if (session.deviceId) return `device:${session.deviceId}`;
  if (session.tailscaleLogin) return `tailscale:${session.tailscaleLogin}`;
  return 'shared-secret';
}
