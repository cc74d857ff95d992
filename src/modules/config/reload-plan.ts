/**
 * Who takes a changed key. `live`: read where it is used, or re-applied by
 * a listener, with no socket touched. `channel`: that one channel reconnects
 * to its service (the gateway's own sockets stay). `restart`: the listener,
 * its TLS, its upgrade checks or its auth are built once at start-up, so the
 * change waits for a restart. The first matching prefix wins; a key no rule
 * names needs a restart, so a new key is safe before anyone wires it live.
 */
export type ReloadKind = 'live' | 'channel' | 'restart';

const RULES: ReadonlyArray<readonly [prefix: string, kind: ReloadKind]> = [
  ['channels.telegram.webhookUrl', 'restart'],
  ['channels.telegram.webhookPath', 'restart'],
  ['channels.telegram.webhookSecret', 'restart'],
  ['channels.telegram.enabled', 'channel'],
  ['channels.telegram.botToken', 'channel'],
  ['channels.telegram.apiRoot', 'channel'],
  ['channels.telegram', 'live'],
  ['agent', 'live'],
  ['tools.exec', 'live'],
  // The browser settings are read when a browser starts; one already open keeps its settings until it idles out.
  ['tools.browser', 'live'],
  ['gateway.nodes', 'live'],
  // CLI-only settings: the gateway itself never reads them.
  ['gateway.remote', 'live'],
  ['gateway.mode', 'live'],
];

export function reloadKindOf(path: string): ReloadKind {
  for (const [prefix, kind] of RULES) {
    if (path === prefix || path.startsWith(`${prefix}.`)) return kind;
  }
  return 'restart';
}

export interface ReloadPlan {
  live: string[];
  channel: string[];
  restart: string[];
}

export function planReload(changedPaths: readonly string[]): ReloadPlan {
  const plan: ReloadPlan = { live: [], channel: [], restart: [] };
  for (const path of changedPaths) plan[reloadKindOf(path)].push(path);
  return plan;
}

/** Channel ids whose connection to their service must be remade for these changes (token, API root, enable). */
export function channelsToReconnect(changedPaths: readonly string[]): string[] {
  const ids = changedPaths.filter((path) => reloadKindOf(path) === 'channel').map((path) => path.split('.')[1]);
  return [...new Set(ids)];
}
