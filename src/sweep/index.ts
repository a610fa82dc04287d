/** What src/sweep offers: host lists, the ssh probe, its setup, the uptime parser. */
export { classifyError, ProbeError } from './classify.js';
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
export * from './types.js';
export { PROBE_COMMAND, parseProbeOutput, parseUptimeLine, type UptimeReading } from './uptime-parse.js';
