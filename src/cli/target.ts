import type { ResolvedConfig } from '../common/config';
import * as fs from 'node:fs';
import { certificateFingerprint, normalizeFingerprint } from '../common/net/fingerprint';
import { generatedTlsPaths, readGeneratedToken } from '../common/state';
import { UsageError } from './exit-codes';

export interface TargetFlags {
  url?: string;
  token?: string;
  password?: string;
  tlsFingerprint?: string;
}

/** Where a call goes and with which credentials, each with where it came from (for error messages). */
export interface GatewayTarget {
  url: string;
  urlSource: string;
  token?: string;
  password?: string;
  credentialSource?: string;
  tlsFingerprint?: string;
  configPath: string;
  stateDir: string;
}

/**
 * DESIGN.md's target rules: --url > gateway.remote.url (remote mode) > the
 * local gateway. An explicit --url never picks up secrets from config or
 * environment: a token meant for one gateway must not be sent to another.
 */
export function resolveTarget(config: ResolvedConfig, flags: TargetFlags, localToken = readGeneratedToken): GatewayTarget {
  return checkTarget(pickTarget(config, flags, localToken));
}

/** Catches what the client would refuse anyway, as a usage error that names the flag or key. */
function checkTarget(target: GatewayTarget): GatewayTarget {
  let scheme: string;
  try {
    scheme = new URL(target.url).protocol;
  } catch {
    throw new UsageError(`${target.url} (from ${target.urlSource}) is not a URL; use ws://host:port or wss://host:port`);
  }
  if (scheme !== 'ws:' && scheme !== 'wss:') {
    throw new UsageError(`${target.url} (from ${target.urlSource}) must start with ws:// or wss://`);
  }
  if (target.tlsFingerprint !== undefined) {
    if (!normalizeFingerprint(target.tlsFingerprint)) {
      throw new UsageError('the TLS fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons optional');
    }
    if (scheme !== 'wss:') {
      throw new UsageError(`a TLS fingerprint was given for the ws:// URL ${target.url}; use wss:// or drop the fingerprint`);
    }
  }
  return target;
}

function pickTarget(
  config: ResolvedConfig,
  flags: TargetFlags,
  localToken: (stateDir: string) => string | undefined,
): GatewayTarget {
  const base = { configPath: config.configPath, stateDir: config.stateDir };
  const fromFlags = credentialsFromFlags(flags);

  if (flags.url) {
    if (!fromFlags) {
      throw new UsageError(
        `--url ${flags.url} was given without --token or --password; with an explicit URL nestclaw uses only credentials given on the command line, so pass --token <token> (or --password <password>)`,
      );
    }
    return { ...base, url: flags.url, urlSource: '--url', ...fromFlags, tlsFingerprint: flags.tlsFingerprint };
  }

  const gateway = config.gateway;
  if (gateway.mode === 'remote') {
    const remote = gateway.remote ?? {};
    if (!remote.url) {
      throw new UsageError(
        `gateway.mode is "remote" but gateway.remote.url is not set in ${config.configPath}: set it (e.g. "wss://gateway.example.net:18789") or pass --url`,
      );
    }
    const fromConfig = remote.token
      ? { token: remote.token, credentialSource: 'gateway.remote.token' }
      : remote.password
        ? { password: remote.password, credentialSource: 'gateway.remote.password' }
        : undefined;
    return {
      ...base,
      url: remote.url,
      urlSource: 'gateway.remote.url',
      ...(fromFlags ?? fromConfig ?? {}),
      tlsFingerprint: flags.tlsFingerprint ?? remote.tlsFingerprint,
    };
  }

  // Local: the gateway's own secret, never gateway.remote.* (those are for a remote gateway).
  const local = localEndpoint(config, flags.tlsFingerprint);
  if (fromFlags) return { ...base, ...local, ...fromFlags };
  const auth = gateway.auth;
  if (auth.mode === 'password') {
    return { ...base, ...local, password: auth.password, credentialSource: describeSource(auth.source, 'password') };
  }
  if (auth.token) return { ...base, ...local, token: auth.token, credentialSource: describeSource(auth.source, 'token') };
  const generated = localToken(config.stateDir);
  return { ...base, ...local, token: generated, credentialSource: generated ? `${config.stateDir}/gateway.token` : undefined };
}

/**
 * The local gateway's URL. With TLS on, the CLI on the same host pins the
 * certificate file the gateway serves, so a self-signed one needs no flags.
 */
function localEndpoint(config: ResolvedConfig, flagFingerprint: string | undefined) {
  const { port, portSource, tls } = config.gateway;
  const urlSource = `local gateway, port from ${portSource}`;
  if (!tls.enabled) return { url: `ws://127.0.0.1:${port}`, urlSource, tlsFingerprint: flagFingerprint };
  const certPath = tls.certPath ?? generatedTlsPaths(config.stateDir).certPath;
  return { url: `wss://127.0.0.1:${port}`, urlSource, tlsFingerprint: flagFingerprint ?? fingerprintOfFile(certPath) };
}

function fingerprintOfFile(certPath: string): string | undefined {
  try {
    return certificateFingerprint(fs.readFileSync(certPath, 'utf8'));
  } catch {
    // Not readable by this user: the handshake then fails as untrusted, with the fix.
    return undefined;
  }
}

function credentialsFromFlags(flags: TargetFlags) {
  if (flags.token) return { token: flags.token, credentialSource: '--token' };
  if (flags.password) return { password: flags.password, credentialSource: '--password' };
  return undefined;
}

function describeSource(source: string | undefined, kind: 'token' | 'password'): string {
  if (source === 'flag') return `--${kind}`;
  if (source?.startsWith('env:')) return source.slice(4);
  return `gateway.auth.${kind}`;
}
