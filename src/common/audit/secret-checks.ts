import type { AuditCheck, Severity } from './audit.types';
import { gatewayEnvPath } from './audit-facts';
import { exposureOf } from './exposure';
import { configSecretKeys } from './secret-keys';

export const MIN_TOKEN_LENGTH = 24;
export const MIN_PASSWORD_LENGTH = 16;

/** Placeholders from our own examples and the usual suspects. */
const PLACEHOLDER = /replace-with|change-?me|example|^(password|secret|token|admin|nestclaw)\d*$/i;

/**
 * Why a secret is weak, or undefined. "Variety" is the number of distinct
 * characters: random tokens have many, "aaaa…" or "12121212…" have few.
 */
export function secretWeakness(secret: string, minLength: number, minDistinct: number): string | undefined {
  if (PLACEHOLDER.test(secret)) return 'it looks like a placeholder';
  if (secret.length < minLength) return `it has ${secret.length} characters (at least ${minLength} wanted)`;
  if (new Set(secret).size < minDistinct) return `it uses only ${new Set(secret).size} different characters`;
  return undefined;
}

function sourceName(source: string | undefined, fallback: string): string {
  if (!source) return fallback;
  if (source === 'flag') return 'the command line';
  if (source.startsWith('env:')) return source.slice(4);
  return fallback;
}

export const checkWeakToken: AuditCheck = ({ config, interfaces, generatedToken }) => {
  const auth = config.gateway.auth;
  if (auth.mode !== 'token') return [];
  const token = auth.token ?? generatedToken;
  if (!token) return [];
  const weakness = secretWeakness(token, MIN_TOKEN_LENGTH, 8);
  if (!weakness) return [];
  const where = auth.token ? sourceName(auth.source, 'gateway.auth.token') : `${config.stateDir}/gateway.token`;
  const severity: Severity = exposureOf(config, interfaces).exposed ? 'critical' : 'warn';
  return [
    {
      id: 'gateway.auth.weak-token',
      severity,
      message: `the gateway token from ${where} is weak: ${weakness}`,
      fix: 'use a random token of 32 bytes or more, e.g. `openssl rand -hex 32` or `nestclaw onboard --generate-token`',
    },
  ];
};

export const checkWeakPassword: AuditCheck = ({ config, interfaces }) => {
  const auth = config.gateway.auth;
  if (auth.mode !== 'password' || !auth.password) return [];
  const weakness = secretWeakness(auth.password, MIN_PASSWORD_LENGTH, 6);
  if (!weakness) return [];
  const severity: Severity = exposureOf(config, interfaces).exposed ? 'critical' : 'warn';
  return [
    {
      id: 'gateway.auth.weak-password',
      severity,
      message: `the gateway password from ${sourceName(auth.source, 'gateway.auth.password')} is weak: ${weakness}`,
      fix: `use a passphrase of ${MIN_PASSWORD_LENGTH} or more characters (several random words), e.g. from a password manager`,
    },
  ];
};

export const checkSecretsInConfig: AuditCheck = ({ config }) => {
  const keys = configSecretKeys(config.file);
  if (keys.length === 0) return [];
  const envFile = gatewayEnvPath(config.stateDir);
  return [
    {
      id: 'config.secret-in-file',
      severity: 'warn',
      message: `${config.configPath} holds ${keys.map((k) => k.key).join(', ')}: a config file gets copied, shared and backed up more than a secrets file`,
      fix:
        `move ${keys.length === 1 ? 'it' : 'them'} to ${envFile} (mode 0600) as ${keys.map((k) => `${k.env}=...`).join(', ')} ` +
        'and delete the key from the config; the unit `nestclaw gateway install` writes loads that file (EnvironmentFile=), ' +
        'and Docker takes the same lines with --env-file',
    },
  ];
};
