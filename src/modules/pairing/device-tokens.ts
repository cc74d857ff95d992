import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const DEVICE_TOKEN_PREFIX = 'ncd_';

/** Device tokens are 256 random bits, so a plain SHA-256 is enough to store them safely. */
export function newDeviceToken(): string {
  return `${DEVICE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Issued by a nestclaw gateway as a device token (current or not), as opposed to a shared secret. */
export function isDeviceTokenShaped(token: string): boolean {
  return token.startsWith(DEVICE_TOKEN_PREFIX);
}

export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Finds the stored hash equal to the token's, comparing every candidate in constant time. */
export function matchTokenHash(token: string, hashes: readonly string[]): string | undefined {
  const given = Buffer.from(hashDeviceToken(token), 'hex');
  let match: string | undefined;
  for (const hash of hashes) {
    if (timingSafeEqual(given, Buffer.from(hash, 'hex')) && match === undefined) match = hash;
  }
  return match;
}
