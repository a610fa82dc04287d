/** What src/sweep offers: host lists, the ssh probe, its setup, the uptime parser. */
export { classifyError, ProbeError } from './classify.js';
export { DEFAULT_CONCURRENCY } from './defaults.js';
export { type HostKeyMode, type HostKeyVerifier, KnownHostsPolicy } from './host-key-policy.js';
export {
  formatHostListErrors,
  type HostEntry,
  type HostLineError,
  type ParsedHostList,
  parseHostList,
  parseHostSpec,
} from './hosts-file.js';
export {
  type CommandOutput,
  failure,
  type Identity,
  openClient,
  type ProbeAuth,
  type ProbeOptions,
  probeHost,
  resultFromOutput,
  runCommand,
} from './probe.js';
export {
  createProbeOptions,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  loadIdentity,
  type ProbeSetup,
} from './probe-setup.js';
export { type LocalSweepOptions, newRunId, runLocalSweep } from './runner.js';
export { runSchedule, type ScheduleOptions } from './scheduler.js';
export { SessionPool } from './session-pool.js';
export {
  createSinks,
  type SinkOptions,
  SWEEP_FORMATS,
  type SweepFormat,
  type SweepSinks,
} from './sinks/index.js';
export { formatSummary, type SweepSummary, SweepTally } from './tally.js';
export { loadSshConfig, resolveTargets, type TargetDefaults } from './targets.js';
export * from './types.js';
export { PROBE_COMMAND, parseProbeOutput, parseUptimeLine, type UptimeReading } from './uptime-parse.js';
