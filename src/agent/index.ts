/**
 * The heartbeat agent: beat sender, host metrics, destinations, and the hardware/custom
 * check kinds whose results ride in each beat.
 */
export { Agent, type AgentLog, type AgentOptions, defaultJitter } from './agent.js';
export { CheckScheduler } from './check-scheduler.js';
export {
  CHECK_KINDS,
  type CheckConfig,
  type ConfiguredCheck,
  checkConfigSchema,
  checksConfigSchema,
  createChecks,
} from './checks/registry.js';
export type { CheckKind, CheckRun } from './checks/types.js';
export { type AgentConfig, agentConfigShape, DEFAULT_AGENT_PORT } from './config.js';
export { buildDestinations, type Destination, parseHostPort } from './destinations.js';
export { type HostMetrics, MetricsSampler } from './metrics.js';
