/**
 * The monitor: UDP receiver, ingest, host registry, deadline detector, state machine,
 * partition guard and the runtime that ties them to SQLite, notify and HTTP.
 */
export { type MonitorConfig, monitorConfigShape } from './config.js';
export { type CoreOptions, DEFAULT_CORE_OPTIONS, MonitorCore } from './core.js';
export { DeadlineWheel } from './detector.js';
export { FLAP_WINDOW, flapPercent, nextFlapping, pushSample } from './flapping.js';
export { HostRegistry } from './host-registry.js';
export { createIngest, type IngestOptions, type RejectSummary } from './ingest.js';
export { DEFAULT_UDP_PORT, formatListen, parseMulticast, parseUdpListen, type UdpListen } from './listen.js';
export { createLogger, describeEvent } from './log.js';
export { Monitor, type MonitorOptions } from './monitor.js';
export { type ReceiverKind, UdpReceiver } from './receiver.js';
export { type RunningMonitor, runMonitor, untilSignal } from './run.js';
export { configuredHttpToken, monitorKeyring } from './secrets.js';
export { SteadyClock } from './steady-clock.js';
export * from './types.js';
