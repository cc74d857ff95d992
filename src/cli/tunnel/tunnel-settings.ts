import * as path from 'node:path';
import { parseSshOption, SshTunnelSpec } from './ssh-args';
import { parsePort, parseSshTarget } from './ssh-target';

export const DEFAULT_TUNNEL_PORT = 18789;

export interface TunnelFlags {
  identity?: string;
  localPort?: string;
  remotePort?: string;
  sshOption?: string[];
}

/** The config values the tunnel command falls back on. */
export interface TunnelConfigDefaults {
  configPath: string;
  sshTarget?: string;
  sshIdentity?: string;
  gatewayPort?: number;
}

export interface TunnelSettingsInput {
  targetArg?: string;
  flags: TunnelFlags;
  config: TunnelConfigDefaults;
  homeDir: string;
  cwd: string;
  fileExists(filePath: string): boolean;
}

export type TunnelSettings = { ok: true; spec: SshTunnelSpec } | { ok: false; error: string };

/** Flags over config over defaults, each checked with a message that says how to fix it. */
export function resolveTunnelSettings(input: TunnelSettingsInput): TunnelSettings {
  const { flags, config } = input;
  const fromConfig = ` in ${config.configPath}`;

  const targetText = input.targetArg ?? config.sshTarget;
  if (targetText === undefined || targetText.trim() === '') {
    return {
      ok: false,
      error: `no SSH target: pass one, as in \`nestclaw tunnel ssh me@gateway-host\` (or me@gateway-host:2222), or set gateway.remote.sshTarget${fromConfig}`,
    };
  }
  const target = parseSshTarget(targetText);
  if (!target.ok)
    return {
      ok: false,
      error: input.targetArg === undefined ? `gateway.remote.sshTarget${fromConfig}: ${target.error}` : target.error,
    };

  const localPort = portSetting('--local-port', flags.localPort, DEFAULT_TUNNEL_PORT);
  if (typeof localPort === 'string') return { ok: false, error: localPort };
  const remotePort = portSetting('--remote-port', flags.remotePort, config.gatewayPort ?? DEFAULT_TUNNEL_PORT);
  if (typeof remotePort === 'string') return { ok: false, error: remotePort };

  const sshOptions: string[] = [];
  for (const given of flags.sshOption ?? []) {
    const option = parseSshOption(given);
    if (!option.ok) return { ok: false, error: option.error };
    sshOptions.push(option.value);
  }

  let identity: string | undefined;
  const identityText = flags.identity ?? config.sshIdentity;
  if (identityText !== undefined) {
    identity = expandPath(identityText, input.homeDir, input.cwd);
    if (!input.fileExists(identity)) {
      const source = flags.identity !== undefined ? '--identity' : `gateway.remote.sshIdentity${fromConfig}`;
      return {
        ok: false,
        error: `the identity file ${identity} (from ${source}) does not exist: give the path of your private key, e.g. ~/.ssh/id_ed25519`,
      };
    }
  }

  return { ok: true, spec: { target: target.value, localPort, remotePort, identity, sshOptions } };
}

function portSetting(flag: string, text: string | undefined, fallback: number): number | string {
  if (text === undefined) return fallback;
  return parsePort(text) ?? `${flag} must be a whole number from 1 to 65535 (got ${JSON.stringify(text)})`;
}

function expandPath(text: string, homeDir: string, cwd: string): string {
  if (text === '~') return homeDir;
  if (text.startsWith('~/')) return path.join(homeDir, text.slice(2));
  return path.resolve(cwd, text);
}
