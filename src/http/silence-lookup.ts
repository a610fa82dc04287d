import { SilenceMatcher } from '../notify/silences.js';
import type { Store } from '../store/index.js';

/**
 * A per-request lookup "which silence covers this host now?" (id or null), from one read
 * of the active and pending silences. Shared by the host routes, so it is not a route.
 */
export async function silenceLookup(store: Store, now: number): Promise<(hostId: string) => number | null> {
  const silences = await store.silences.list({ activeOrPendingAt: now });
  if (silences.length === 0) return () => null;
  const matcher = new SilenceMatcher(silences);
  return (hostId) => matcher.find(hostId, now)?.id ?? null;
}
