import type { HaStatus } from '../types.js';
import type { HaControl } from './ports.js';

/**
 * The monitor's HA role as `/healthz`, `/api/info`, `thump status` and /metrics show it:
 * active while the control gives a fence, else standby; without HA (one monitor, every
 * write unfenced) always active with an empty id and the store taken as up.
 */
export function haStatus(ha: HaControl | undefined): HaStatus {
  if (!ha) return { role: 'active', monitorId: '', epoch: 0, leader: '', takeovers: 0, storeUp: true };
  const fence = ha.fence();
  return {
    role: fence ? 'active' : 'standby',
    monitorId: ha.monitorId,
    epoch: ha.epoch,
    leader: ha.leader,
    takeovers: ha.takeovers,
    storeUp: ha.storeUp,
    ...(fence ? { fence } : {}),
  };
}
