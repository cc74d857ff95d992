import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensurePrivateDir } from './secret-file';
import { createSecretFileOnce } from './atomic-secret-file';

export const GATEWAY_ID_FILE = 'gateway-id';
const GATEWAY_ID = /^gw-[A-Za-z0-9_-]{22}$/;

/**
 * The gateway's stable id, generated once into the state dir and announced
 * in `connect.challenge`: clients bind the device tokens it issues to it, so
 * a token never goes to another gateway answering at the same URL. Not a
 * secret (every client sees it), and not proof of anything: it only keeps
 * honest gateways' tokens apart.
 */
export function ensureGatewayId(stateDir: string): string {
  const file = path.join(stateDir, GATEWAY_ID_FILE);
  const existing = readGatewayId(file);
  if (existing) return existing;
  ensurePrivateDir(stateDir);
  const id = `gw-${randomBytes(16).toString('base64url')}`;
  // Two gateways starting at once on one state dir still agree on one id.
  if (createSecretFileOnce(file, `${id}\n`)) return id;
  const raced = readGatewayId(file);
  if (raced) return raced;
  throw new Error(`${file} does not hold a gateway id: delete it and start again (clients then pair their device tokens anew)`);
}

function readGatewayId(file: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (GATEWAY_ID.test(text)) return text;
  throw new Error(`${file} does not hold a gateway id: delete it and start again (clients then pair their device tokens anew)`);
}
