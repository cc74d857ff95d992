import { createHash, X509Certificate } from 'node:crypto';

/**
 * Accepts a SHA-256 fingerprint in any common notation (colons, spaces or
 * none, any case, an optional "sha256:" prefix) and returns 64 lowercase hex
 * digits, or undefined when it is not one.
 */
export function normalizeFingerprint(input: string): string | undefined {
  const hex = input
    .trim()
    .replace(/^sha-?256[:=\s]*/i, '')
    .replace(/[\s:]/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** The notation openssl and browsers show: uppercase pairs joined by colons. */
export function formatFingerprint(hex: string): string {
  return hex.toUpperCase().match(/.{2}/g)!.join(':');
}

/** SHA-256 over the DER certificate, as 64 lowercase hex digits. */
export function certificateFingerprint(certificate: string | Buffer): string {
  const der = Buffer.isBuffer(certificate) && certificate[0] === 0x30 ? certificate : new X509Certificate(certificate).raw;
  return createHash('sha256').update(der).digest('hex');
}
