/** The last segment of a config key that holds a secret: these are never sent back by config.get. */
export const SECRET_KEY_NAME = /^(token|password|secret|apiKey|botToken|webhookSecret)$/i;

/** What config.get shows instead of a secret; sent back unchanged by config.set/patch, it keeps the stored value. */
export const REDACTED = '__NESTCLAW_REDACTED__';

/** Environment variables that can carry a secret the gateway uses (see loadConfig and resolveFeatures). */
export const SECRET_ENV_VARS = [
  'NESTCLAW_GATEWAY_TOKEN',
  'OPENCLAW_GATEWAY_TOKEN',
  'NESTCLAW_GATEWAY_PASSWORD',
  'OPENCLAW_GATEWAY_PASSWORD',
  'TELEGRAM_BOT_TOKEN',
  'OPENAI_API_KEY',
] as const;

type Json = unknown;

/** A deep copy with every secret-named string replaced by REDACTED. */
export function redactSecrets<T extends Json>(value: T): T {
  return mapSecrets(value, () => REDACTED) as T;
}

function mapSecrets(value: Json, replace: (path: string) => unknown, path = ''): Json {
  if (Array.isArray(value)) return value.map((item, i) => mapSecrets(item, replace, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, Json> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    out[key] =
      typeof child === 'string' && SECRET_KEY_NAME.test(key) ? replace(childPath) : mapSecrets(child, replace, childPath);
  }
  return out;
}

/**
 * Puts the stored secret back wherever an edit kept the REDACTED
 * placeholder (a client that edited what config.get gave it). A placeholder
 * with nothing stored under it (the secret lives in the environment) drops
 * the key, so an environment secret never lands in the file.
 */
export function restoreRedacted(edited: Json, stored: Json): Json {
  if (Array.isArray(edited)) return edited.map((item, i) => restoreRedacted(item, Array.isArray(stored) ? stored[i] : undefined));
  if (typeof edited !== 'object' || edited === null) return edited;
  const storedObject = typeof stored === 'object' && stored !== null ? (stored as Record<string, Json>) : {};
  const out: Record<string, Json> = {};
  for (const [key, child] of Object.entries(edited)) {
    if (child === REDACTED) {
      const kept = Object.prototype.hasOwnProperty.call(storedObject, key) ? storedObject[key] : undefined;
      if (typeof kept === 'string') defineOwn(out, key, kept);
      continue;
    }
    defineOwn(
      out,
      key,
      restoreRedacted(child, Object.prototype.hasOwnProperty.call(storedObject, key) ? storedObject[key] : undefined),
    );
  }
  return out;
}

/**
 * Key paths whose string value equals a secret the gateway got from its
 * environment: writing it to the file would copy the secret out of the place
 * the operator chose for it.
 */
export function environmentSecretPaths(value: Json, environmentSecrets: readonly string[], path = ''): string[] {
  if (typeof value === 'string') return environmentSecrets.includes(value) ? [path] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    environmentSecretPaths(child, environmentSecrets, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key),
  );
}

/** Sets a key as an own property, so "__proto__" stays a (refused) key instead of replacing the prototype. */
export function defineOwn(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
