import * as path from 'node:path';
import { DEFAULT_GATEWAY_PORT } from '../protocol/constants';

/**
 * Isolated profiles (`--profile NAME`, docs/operations.md "Profiles"):
 * several gateways, or a gateway and a node host, on one host, each with
 * its own state dir, port and systemd unit names. The CLI puts the name in
 * NESTCLAW_PROFILE so every process it starts sees the same profile.
 */
export const PROFILE_ENV = 'NESTCLAW_PROFILE';
const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** Profile ports are taken from this range, away from the default 18789. */
export const PROFILE_PORT_BASE = 18_800;
export const PROFILE_PORT_SPAN = 1_000;

/** What is wrong with a profile name, or undefined; "default" means no profile. */
export function profileNameProblem(name: string): string | undefined {
  if (PROFILE_NAME.test(name)) return undefined;
  return `profile name ${JSON.stringify(name)} must be 1-32 lowercase letters, digits, "-" or "_", starting with a letter or digit`;
}

/** The profile in effect, or undefined for the default one. */
export function activeProfile(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const name = env[PROFILE_ENV]?.trim();
  return name && name !== 'default' ? name : undefined;
}

export function profileStateDir(profile: string | undefined, homeDir: string): string {
  return path.join(homeDir, profile ? `.nestclaw-${profile}` : '.nestclaw');
}

/**
 * A profile's default port: stable for its name (FNV-1a), so the CLI and
 * the gateway of one profile agree without configuration. Two names may
 * land on the same port; gateway.port in that profile's config then picks
 * another, and a taken port is refused at start with that advice.
 */
export function profilePort(profile: string | undefined): number {
  if (!profile) return DEFAULT_GATEWAY_PORT;
  let hash = 0x811c9dc5;
  for (const char of profile) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return PROFILE_PORT_BASE + (hash % PROFILE_PORT_SPAN);
}

/** systemd unit names: `nestclaw-gateway`, `nestclaw-gateway-NAME`; `nestclaw-node`, `nestclaw-node-NAME`. */
export function profileUnitName(base: 'nestclaw-gateway' | 'nestclaw-node', profile: string | undefined): string {
  return profile ? `${base}-${profile}` : base;
}
