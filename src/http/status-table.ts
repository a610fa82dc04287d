import type { HostJson } from './json.js';

/** "3d 4h", "5m 10s", "12s": the two largest units, for ages and uptimes. */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.floor(seconds);
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [u, n] of units) {
    if (rest >= n || (u === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

const COLOURS: Record<string, string> = { up: '32', down: '31', left: '90' };

/**
 * Renders hosts as an aligned text table with a summary line (what `thump status` prints).
 * Pure: `now` comes in; `colour` adds ANSI colour to the state (the text stays, so nothing
 * relies on colour alone).
 */
export function formatStatusTable(hosts: readonly HostJson[], now: number, colour = false): string {
  const head = ['STATE', 'HOST', 'ADDRESS', 'LAST BEAT', 'UPTIME', 'LOAD', 'CHECKS'];
  const rows = hosts.map((h) => {
    const age = h.lastBeatAt ? humanDuration((now - Date.parse(h.lastBeatAt)) / 1000) : 'never';
    const failing = h.checks.filter((c) => c.severity !== 'ok');
    return [
      h.flapping ? `${h.state}~` : h.state,
      h.id,
      // Agentless (swept) hosts say so; a failed probe's class stands in for the checks.
      h.source === 'sweep' ? `${h.address} (sweep)` : h.address,
      h.lastBeatAt ? `${age} ago` : age,
      h.uptimeSeconds > 0 ? humanDuration(h.uptimeSeconds) : '-',
      h.load.map((l) => l.toFixed(2)).join(' '),
      h.sweepError
        ? `sweep:${h.sweepError.class}`
        : failing.length === 0
          ? h.checkStatus
          : failing.map((c) => `${c.id}:${c.severity}`).join(','),
    ];
  });
  const widths = head.map((t, i) => Math.max(t.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[], paint: boolean) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i] as number);
        const code = paint && i === 0 ? COLOURS[c.replace('~', '')] : undefined;
        return code ? `\x1b[${code}m${padded}\x1b[0m` : padded;
      })
      .join('  ')
      .trimEnd();
  const counts = new Map<string, number>();
  for (const h of hosts) counts.set(h.state, (counts.get(h.state) ?? 0) + 1);
  const summary =
    hosts.length === 0
      ? 'no hosts'
      : `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`;
  return [line(head, false), ...rows.map((r) => line(r, colour)), '', summary, ''].join('\n');
}
