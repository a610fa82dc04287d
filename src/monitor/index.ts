/**
 * The monitor: UDP receiver, ingest, host registry, deadline detector, state machine,
 * partition guard and the service that runs them and persists through the store (the
 * wiring to notify and HTTP lives in src/cli/monitor-app.ts).
 */
export { type MonitorConfig, monitorConfigShape } from './config.js';
export { type CoreOptions, DEFAULT_CORE_OPTIONS, MonitorCore } from './core.js';
export { DeadlineWheel } from './detector.js';
export { FLAP_WINDOW, flapPercent, nextFlapping, pushSample } from './flapping.js';
export { type HaControl, HaCoordinator, type HaCoordinatorOptions } from './ha/index.js';
export { HostRegistry } from './host-registry.js';
export { createIngest, type IngestOptions, type RejectSummary } from './ingest.js';
export { DEFAULT_UDP_PORT, formatListen, parseMulticast, parseUdpListen, type UdpListen } from './listen.js';
export { createLogger, describeEvent } from './log.js';
export { type ReceiverKind, UdpReceiver } from './receiver.js';
export { type MonitorOptions, MonitorService, transitionKey } from './service.js';
export { SteadyClock } from './steady-clock.js';
export * from './types.js';
