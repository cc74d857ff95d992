import { SECRET_KEY_NAME, type ResolvedConfig } from '../../common/config';

/** Depth cap for the walk: the config schema is far shallower, a deeper value is not ours. */
const MAX_DEPTH = 12;

/**
 * Every secret value the config holds, wherever it came from (file,
 * environment, flag): each string under a secret-named key (the same names
 * config.get redacts), so a secret key added later is covered without a list.
 */
export function configSecrets(config: ResolvedConfig): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'string') {
        if (child.length > 0 && SECRET_KEY_NAME.test(key)) found.add(child);
      } else {
        walk(child, depth + 1);
      }
    }
  };
  walk(config, 0);
  return [...found];
}

/** What the gateway's log redacts by value: the config's secrets and the effective shared secret (a generated token included). */
export function gatewaySecrets(config: ResolvedConfig, sharedSecret: string): string[] {
  return [...configSecrets(config), sharedSecret];
}
