/**
 * High availability: several monitors on one store, exactly one active (lease + fencing
 * epoch), `down` only when every live monitor lost the host. Pure parts (role, suspects,
 * down gate, takeover events) and one I/O loop ({@link HaCoordinator}) over narrow ports.
 */
export { HaCoordinator, type HaCoordinatorOptions } from './coordinator.js';
export { ClusterDownGate, type ClusterView, type DownGateOptions } from './down-gate.js';
export * from './ports.js';
export { type TakeoverHost, takeoverEvents } from './reconcile.js';
export {
  type HaRole,
  type RoleOptions,
  RoleTracker,
  type RoleTransition,
  type StepDownReason,
} from './role.js';
export { type SuspectBatch, type SuspectSource, SuspectTracker } from './suspects.js';
