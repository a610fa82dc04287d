import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Severity } from '../../protocol/types.js';
import {
  type CheckKind,
  checkName,
  commonCheckFields,
  warnBelowCrit,
  warnBelowCritMessage,
} from './types.js';

/** One temperature sensor reading in degrees Celsius. */
export interface Sensor {
  /** `thermal/x86_pkg_temp`, `coretemp/Core 0`, `nvme/Composite`... */
  name: string;
  celsius: number;
  /** The sensor's own critical limit, when the driver reports a plausible one. */
  critCelsius?: number;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** Millidegrees text -> degrees; undefined for missing or implausible values. */
function milli(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const c = Number(text) / 1000;
  return c > -100 && c < 250 ? c : undefined;
}

/**
 * Every temperature sensor under `sysRoot` (normally `/sys`): thermal zones
 * (`class/thermal/thermal_zone*\/temp` + `type`) and hwmon chips (`class/hwmon/hwmon*\/
 * temp*_input` with `name`, `temp*_label`, `temp*_crit`). The root is a parameter so tests
 * (and containers with the host's /sys mounted elsewhere) can point it at another tree.
 */
export async function readSensors(sysRoot: string): Promise<Sensor[]> {
  const out: Sensor[] = [];
  const thermal = join(sysRoot, 'class/thermal');
  for (const zone of await list(thermal)) {
    if (!zone.startsWith('thermal_zone')) continue;
    const c = milli(await readText(join(thermal, zone, 'temp')));
    if (c === undefined) continue;
    const type = (await readText(join(thermal, zone, 'type'))) ?? zone;
    out.push({ name: `thermal/${type}`, celsius: c });
  }
  const hwmon = join(sysRoot, 'class/hwmon');
  for (const chip of await list(hwmon)) {
    const dir = join(hwmon, chip);
    const chipName = (await readText(join(dir, 'name'))) ?? chip;
    for (const f of await list(dir)) {
      const m = /^temp(\d+)_input$/.exec(f);
      if (!m) continue;
      const c = milli(await readText(join(dir, f)));
      if (c === undefined) continue;
      const label = (await readText(join(dir, `temp${m[1]}_label`))) ?? `temp${m[1]}`;
      const crit = milli(await readText(join(dir, `temp${m[1]}_crit`)));
      const s: Sensor = { name: `${chipName}/${label}`, celsius: c };
      if (crit !== undefined && crit > 20) s.critCelsius = crit;
      out.push(s);
    }
  }
  return out;
}

const schema = z
  .strictObject({
    type: z.literal('temperature'),
    ...commonCheckFields,
    /** Degrees Celsius. */
    warn: z.number().default(80),
    crit: z.number().default(95),
    /** Also go CRITICAL at a sensor's own `temp*_crit` limit when it is lower than `crit`. */
    use_sensor_limits: z.boolean().default(true),
    /** sysfs mount point (for containers: the host's /sys mounted elsewhere). */
    sysfs_root: z.string().default('/sys'),
  })
  .refine(warnBelowCrit, warnBelowCritMessage);
export type TemperatureCheckConfig = z.output<typeof schema>;

/**
 * One result for all sensors (keeps the beat small): the worst state, naming the hottest
 * sensor and every sensor over its threshold. Pure.
 */
export function judgeSensors(
  c: TemperatureCheckConfig,
  sensors: Sensor[],
): { severity: Severity; text: string } {
  if (sensors.length === 0) {
    return { severity: 3, text: `no temperature sensors under ${c.sysfs_root}/class/{thermal,hwmon}` };
  }
  let worst: Severity = 0;
  const hot: string[] = [];
  let hottest = sensors[0] as Sensor;
  for (const s of sensors) {
    if (s.celsius > hottest.celsius) hottest = s;
    const crit =
      c.use_sensor_limits && s.critCelsius !== undefined ? Math.min(c.crit, s.critCelsius) : c.crit;
    const sev: Severity = s.celsius >= crit ? 2 : s.celsius >= c.warn ? 1 : 0;
    if (sev > 0) hot.push(`${s.name} ${s.celsius.toFixed(0)}°C`);
    if (sev > worst) worst = sev;
  }
  const text =
    worst === 0
      ? `hottest ${hottest.name} ${hottest.celsius.toFixed(0)}°C of ${sensors.length} sensors`
      : `${hot.join(', ')} (warn ${c.warn}°C, crit ${c.crit}°C)`;
  return { severity: worst, text };
}

/** Temperatures from /sys/class/thermal and /sys/class/hwmon against thresholds. */
export const temperatureCheck: CheckKind<TemperatureCheckConfig> = {
  type: 'temperature',
  schema,
  create(c) {
    const id = checkName(c);
    return async () => [{ id, ...judgeSensors(c, await readSensors(c.sysfs_root)) }];
  },
};
