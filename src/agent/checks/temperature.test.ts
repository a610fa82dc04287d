import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeSensors, readSensors, temperatureCheck } from './temperature.js';

const root = mkdtempSync(join(tmpdir(), 'thump-sysfs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function put(rel: string, text: string): void {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, `${text}\n`);
}

// A fake /sys shaped like a laptop: one thermal zone, coretemp with labels and crit, an NVMe drive.
put('class/thermal/thermal_zone0/type', 'x86_pkg_temp');
put('class/thermal/thermal_zone0/temp', '54000');
put('class/thermal/cooling_device0/type', 'Processor');
put('class/hwmon/hwmon1/name', 'coretemp');
put('class/hwmon/hwmon1/temp1_input', '55000');
put('class/hwmon/hwmon1/temp1_label', 'Package id 0');
put('class/hwmon/hwmon1/temp1_crit', '100000');
put('class/hwmon/hwmon1/temp2_input', '61000');
put('class/hwmon/hwmon1/temp2_label', 'Core 0');
put('class/hwmon/hwmon2/name', 'nvme');
put('class/hwmon/hwmon2/temp1_input', '71850');
put('class/hwmon/hwmon2/temp1_label', 'Composite');
put('class/hwmon/hwmon2/temp1_crit', '74850');
put('class/hwmon/hwmon3/name', 'broken');
put('class/hwmon/hwmon3/temp1_input', 'garbage');

const cfg = (over: object = {}) =>
  temperatureCheck.schema.parse({ type: 'temperature', sysfs_root: root, ...over });

describe('temperature check', () => {
  it('reads thermal zones and hwmon sensors from an injectable sysfs root', async () => {
    expect(await readSensors(root)).toEqual([
      { name: 'thermal/x86_pkg_temp', celsius: 54 },
      { name: 'coretemp/Package id 0', celsius: 55, critCelsius: 100 },
      { name: 'coretemp/Core 0', celsius: 61 },
      { name: 'nvme/Composite', celsius: 71.85, critCelsius: 74.85 },
    ]);
  });

  it.each([
    [{}, 0, 'hottest nvme/Composite 72°C of 4 sensors'],
    [{ warn: 60 }, 1, 'coretemp/Core 0 61°C, nvme/Composite 72°C (warn 60°C, crit 95°C)'],
    [{ warn: 60, crit: 70 }, 2, 'nvme/Composite 72°C (warn 60°C, crit 70°C)'],
    [{ warn: 70, crit: 90, use_sensor_limits: false }, 1, 'nvme/Composite 72°C (warn 70°C, crit 90°C)'],
  ])('judges %j as severity %i', async (over, severity, text) => {
    const sensors = await readSensors(root);
    const r = judgeSensors(cfg(over), sensors);
    expect(r.severity).toBe(severity);
    if (severity !== 2) expect(r.text).toBe(text);
    else expect(r.text).toContain('nvme/Composite 72°C');
  });

  it("goes CRITICAL at a sensor's own crit limit below the configured one", () => {
    const r = judgeSensors(cfg({ warn: 90, crit: 95 }), [
      { name: 'nvme/Composite', celsius: 76, critCelsius: 75 },
    ]);
    expect(r.severity).toBe(2);
  });

  it('is UNKNOWN when the machine has no sensors (a VM)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'thump-sysfs-empty-'));
    const run = temperatureCheck.create(cfg({ sysfs_root: empty }));
    const [r] = await run(new AbortController().signal);
    rmSync(empty, { recursive: true });
    expect(r?.severity).toBe(3);
    expect(r?.text).toMatch(/no temperature sensors/);
  });
});
