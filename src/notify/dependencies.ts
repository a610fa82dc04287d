import { globMatcher } from '../util/glob.js';
import type { DependencyConfig } from './config.js';

/**
 * Host dependencies: a child names its parent (router, switch, hypervisor) with the agent
 * label `parent=<host id>` or a `dependencies` config entry (the label wins). While the
 * parent is down, the children's `down` events are recorded but not paged.
 */
export class Dependencies {
  private readonly rules: Array<{ match: (id: string) => boolean; parent: string }>;

  constructor(config: readonly DependencyConfig[]) {
    this.rules = config.flatMap((d) => d.hosts.map((g) => ({ match: globMatcher(g), parent: d.parent })));
  }

  /** The parent of `hostId`, if any (never the host itself). */
  parentOf(hostId: string, labels: Readonly<Record<string, string>>): string | undefined {
    const label = labels.parent;
    if (label !== undefined && label !== '' && label !== hostId) return label;
    for (const r of this.rules) {
      if (r.parent !== hostId && r.match(hostId)) return r.parent;
    }
    return undefined;
  }
}
