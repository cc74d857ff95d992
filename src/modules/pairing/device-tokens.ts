import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Device tokens are 256 random bits, so a plain SHA-256 is enough to store them safely. */
export function newDeviceToken(): string {
  return `ncd_${randomBytes(32).toString('base64url')}`;
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
