import * as path from 'node:path';

export const GENERATED_TLS_DIR = 'tls';
export const GENERATED_CERT_FILE = 'gateway-cert.pem';
export const GENERATED_KEY_FILE = 'gateway-key.pem';

/** Where the gateway keeps its self-signed pair; the local CLI reads the certificate to pin it. */
export function generatedTlsPaths(stateDir: string): { dir: string; certPath: string; keyPath: string } {
  const dir = path.join(stateDir, GENERATED_TLS_DIR);
  return { dir, certPath: path.join(dir, GENERATED_CERT_FILE), keyPath: path.join(dir, GENERATED_KEY_FILE) };
}
