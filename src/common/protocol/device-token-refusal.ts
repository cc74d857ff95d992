/**
 * `details.reason` of a handshake refused because of a device token. A
 * client that sees one forgets its stored token and retries once with the
 * shared secret (docs/protocol.md, "Device token refusals").
 */
export const DeviceTokenRefusal = {
  /** The device holds current tokens for this role, but not this one: it was rotated. */
  Mismatch: 'device-token-mismatch',
  /** The gateway holds no token for this device and role: revoked, unpaired, or state reset. */
  Revoked: 'device-token-revoked',
} as const;
export type DeviceTokenRefusal = (typeof DeviceTokenRefusal)[keyof typeof DeviceTokenRefusal];

/** Also the reason older gateways sent, so clients recover from those too. */
const LEGACY_REASON = 'device-token-invalid';

/** The device-token refusal reason in an error's details, if it is one. */
export function deviceTokenRefusalOf(details: unknown): string | undefined {
  const reason = (details as { reason?: unknown } | undefined)?.reason;
  if (typeof reason !== 'string') return undefined;
  const known: readonly string[] = [...Object.values(DeviceTokenRefusal), LEGACY_REASON];
  return known.includes(reason) ? reason : undefined;
}
