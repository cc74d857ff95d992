import type { PresenceEntry } from '../../common/protocol';
import { seesPrivateDetails } from '../gateway/event-access';
import type { CallerAccess } from '../gateway/rpc/access';
import type { HealthSnapshot } from './health.service';

/**
 * Presence as a viewer without operator.admin sees it: that a client is
 * there and what it is, not where it connects from or what it may do.
 */
export function limitedPresenceEntry(entry: PresenceEntry): PresenceEntry {
  const { key, host, version, platform, mode, roles, reason, ts } = entry;
  return { key, host, version, platform, mode, roles, reason, ts };
}

/** Health without the recent session keys (they carry chat user ids). */
export function limitedHealth(health: HealthSnapshot): HealthSnapshot {
  return { ...health, sessions: { count: health.sessions.count, recent: [] } };
}

export function presenceFor(viewer: CallerAccess, entries: PresenceEntry[]): PresenceEntry[] {
  return seesPrivateDetails(viewer) ? entries : entries.map(limitedPresenceEntry);
}

export function healthFor(viewer: CallerAccess, health: HealthSnapshot): HealthSnapshot {
  return seesPrivateDetails(viewer) ? health : limitedHealth(health);
}
