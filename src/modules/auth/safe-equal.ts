import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. Hashing first gives equal-length inputs,
 * so neither the content nor the length of the secret leaks through timing.
 */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digestOf(given), digestOf(expected));
}

/**
 * The same comparison against a secret fixed for the process: its digest is
 * taken once, so each check hashes only what was given.
 */
export function secretMatcher(expected: string): (given: string) => boolean {
  const digest = digestOf(expected);
  return (given) => timingSafeEqual(digestOf(given), digest);
}

function digestOf(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
