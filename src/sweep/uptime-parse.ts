/**
 * Pure parser for what the probe command prints on the remote host: either the two
 * lines of `/proc/uptime` + `/proc/loadavg` (Linux, exact to 10 ms), or the one line of
 * `uptime` on systems without /proc (FreeBSD, macOS, BusyBox without /proc mounted),
 * which is only exact to the minute.
 */

/** What one probe learned about a host's boot time and load. */
export interface UptimeReading {
  uptimeSeconds: number;
  load1: number;
  load5: number;
  load15: number;
  /** Logged-in users, when the `uptime` line says so. */
  users?: number;
  /** Where the numbers came from. */
  source: 'proc' | 'uptime';
}

/**
 * The one command the probe runs: /proc first (one exec, no fork of `uptime`), the
 * `uptime` program when /proc is missing. `LC_ALL=C` keeps decimal points as dots.
 */
export const PROBE_COMMAND = 'cat /proc/uptime /proc/loadavg 2>/dev/null || LC_ALL=C uptime';

const PROC_UPTIME = /^\s*(\d+(?:\.\d+)?)\s+\d+(?:\.\d+)?\s*$/;
const PROC_LOADAVG = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+\d+\/\d+\s+\d+\s*$/;

/**
 * Parses the probe command's output. Returns an error string (not a throw) when the
 * text matches neither format, so the caller can report it as a `command` failure.
 */
export function parseProbeOutput(text: string): UptimeReading | { error: string } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length >= 2) {
    const up = PROC_UPTIME.exec(lines[0] as string);
    const load = PROC_LOADAVG.exec(lines[1] as string);
    if (up && load) {
      return {
        uptimeSeconds: Number(up[1]),
        load1: Number(load[1]),
        load5: Number(load[2]),
        load15: Number(load[3]),
        source: 'proc',
      };
    }
  }
  for (const line of lines) {
    const r = parseUptimeLine(line);
    if (r) return r;
  }
  const shown = text.length > 120 ? `${text.slice(0, 120)}...` : text;
  return { error: `unrecognised uptime output: ${JSON.stringify(shown.trim())}` };
}

const UNIT_SECONDS: Record<string, number> = {
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

/**
 * Parses one `uptime` line, e.g. (procps) ` 10:14:32 up 10 days, 22:52,  3 users,  load
 * average: 0.00, 0.01, 0.05`, (BusyBox) ` 10:14:32 up 5 min,  load average: 0.00, 0.00,
 * 0.00`, (FreeBSD) `10:14AM  up 3 days, 2 hrs, 1 user, load averages: 0.10, 0.20, 0.30`,
 * (macOS) `10:14  up 1 day,  9:39, 2 users, load averages: 1.51 1.62 1.71`.
 * Returns undefined when the line is not an uptime line.
 */
export function parseUptimeLine(line: string): UptimeReading | undefined {
  const m = /\bup\s+(.*?),?\s+load averages?:\s*(.*)$/i.exec(line);
  if (!m) return undefined;
  let upPart = (m[1] as string).trim();
  const loads = (m[2] as string)
    .trim()
    .split(/,\s+|\s+/)
    .map((t) => Number(t.replace(',', '.')));
  if (loads.length < 3 || loads.slice(0, 3).some((n) => !Number.isFinite(n))) return undefined;

  let users: number | undefined;
  const u = /,?\s*(\d+)\s+users?$/i.exec(upPart);
  if (u) {
    users = Number(u[1]);
    upPart = upPart.slice(0, u.index);
  }
  let seconds = 0;
  let matched = false;
  for (const raw of upPart.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const hm = /^(\d+):(\d{2})$/.exec(part);
    if (hm) {
      seconds += Number(hm[1]) * 3600 + Number(hm[2]) * 60;
      matched = true;
      continue;
    }
    const unit = /^(\d+)\s*([a-z]+)$/i.exec(part);
    const mult = unit ? UNIT_SECONDS[(unit[2] as string).toLowerCase()] : undefined;
    if (!unit || mult === undefined) return undefined;
    seconds += Number(unit[1]) * mult;
    matched = true;
  }
  if (!matched) return undefined;
  const reading: UptimeReading = {
    uptimeSeconds: seconds,
    load1: loads[0] as number,
    load5: loads[1] as number,
    load15: loads[2] as number,
    source: 'uptime',
  };
  if (users !== undefined) reading.users = users;
  return reading;
}
