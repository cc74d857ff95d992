import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createSecretFileOnce } from '../../../common/state';

export const WEBHOOK_SECRET_FILE = 'telegram-webhook.secret';

/**
 * The secret Telegram sends back in X-Telegram-Bot-Api-Secret-Token. Without
 * one in config, one is generated once and kept (0600) in the state dir, so
 * it survives restarts and setWebhook keeps sending the same one.
 */
export function ensureWebhookSecret(stateDir: string): { secret: string; path: string; created: boolean } {
  const file = path.join(stateDir, WEBHOOK_SECRET_FILE);
  const existing = readSecret(file);
  if (existing) {
    if ((fs.statSync(file).mode & 0o777) !== 0o600) fs.chmodSync(file, 0o600);
    return { secret: existing, path: file, created: false };
  }
  const secret = randomBytes(32).toString('base64url');
  if (!createSecretFileOnce(file, `${secret}\n`)) {
    const raced = readSecret(file);
    if (raced) return { secret: raced, path: file, created: false };
    throw new Error(`${file} exists but holds no secret: delete it and start again`);
  }
  return { secret, path: file, created: true };
}

function readSecret(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
