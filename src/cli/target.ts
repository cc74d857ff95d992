import type { ResolvedConfig } from '../common/config';
import { readGeneratedToken } from '../common/state';
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
  const url = `ws://127.0.0.1:${gateway.port}`;
  const urlSource = `local gateway, port from ${gateway.portSource}`;
  if (fromFlags) return { ...base, url, urlSource, ...fromFlags, tlsFingerprint: flags.tlsFingerprint };
  const auth = gateway.auth;
  if (auth.mode === 'password') {
    return { ...base, url, urlSource, password: auth.password, credentialSource: describeSource(auth.source, 'password') };
  }
  if (auth.token) return { ...base, url, urlSource, token: auth.token, credentialSource: describeSource(auth.source, 'token') };
  const generated = localToken(config.stateDir);
  return {
    ...base,
    url,
    urlSource,
    token: generated,
    credentialSource: generated ? `${config.stateDir}/gateway.token` : undefined,
    tlsFingerprint: flags.tlsFingerprint,
  };
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
