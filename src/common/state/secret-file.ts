import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSecretFileOnce } from './atomic-secret-file';

export const GENERATED_TOKEN_FILE = 'gateway.token';

export function generatedTokenPath(stateDir: string): string {
  return path.join(stateDir, GENERATED_TOKEN_FILE);
}

/** Reads the token the gateway generated for itself, if there is one. */
export function readGeneratedToken(stateDir: string): string | undefined {
  try {
    const token = fs.readFileSync(generatedTokenPath(stateDir), 'utf8').trim();
    return token || undefined;
  } catch {
    return undefined;
  }
}

/** Returns the stored generated token, creating it (0600) on first use. */
export function ensureGeneratedToken(stateDir: string): { token: string; created: boolean; path: string } {
  const file = generatedTokenPath(stateDir);
  const existing = readGeneratedToken(stateDir);
  if (existing) {
    tightenMode(file);
    return { token: existing, created: false, path: file };
  }
  ensurePrivateDir(stateDir);
  const token = randomBytes(32).toString('base64url');
  // Two gateways starting at once cannot overwrite each other's token.
  if (!createSecretFileOnce(file, `${token}\n`)) {
    const raced = readGeneratedToken(stateDir);
    if (raced) return { token: raced, created: false, path: file };
    throw new Error(`${file} exists but holds no token: delete it and start again to generate a new one`);
  }
  return { token, created: true, path: file };
}

/** Creates the dir 0700, and takes group/other access away from one that already exists. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = fs.statSync(dir).mode & 0o777;
  if (mode & 0o077) fs.chmodSync(dir, mode & 0o700);
}

function tightenMode(file: string): void {
  const mode = fs.statSync(file).mode & 0o777;
  if (mode !== 0o600) fs.chmodSync(file, 0o600);
}
