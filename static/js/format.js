/** Formatting shared by the views. States always come with an icon and a word, never colour alone. */

export const STATE_ICON = { up: '▲', down: '▼', left: '■', flapping: '≈', unknown: '?' };
export const SEVERITY_ICON = { ok: '✓', warning: '!', critical: '✖', unknown: '?' };
/** Sort rank: the most alarming first. */
export const STATE_RANK = { down: 0, left: 2, up: 3 };

/** "3d 4h", "5m 10s", "12s". */
export function duration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  let rest = Math.floor(seconds);
  const parts = [];
  for (const [u, n] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ]) {
    if (rest >= n || (u === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

export function bytes(n) {
  if (!Number.isFinite(n) || n <= 0) return '–';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(n >= 100 || i === 0 ? 0 : 1)} ${u[i]}`;
}

export function pct(part, whole) {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '–';
}

/** "02:23:44" today, "Dec 3, 23:10" on other days: 24-hour, the format of every time shown. */
export function clockTime(ms) {
  if (!ms) return '–';
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    : d.toLocaleString([], {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
}

/** "2026-12-04 02:23:44": the full local date and time, 24-hour, for tooltips. */
export function fullTime(ms) {
  if (!ms) return '–';
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function labelsText(labels) {
  return Object.entries(labels ?? {})
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(' ');
}

/** One line describing an event's details for the timeline. */
export function eventText(e) {
  const d = e.details ?? {};
  switch (e.type) {
    case 'new':
      return d.address ? `first seen at ${d.address}` : 'first seen';
    case 'down':
      return d.timeoutMs ? `no beat for ${duration(d.timeoutMs / 1000)}` : 'missed its deadline';
    case 'up':
      return `back up${d.previous ? ` (was ${d.previous}${d.afterMs ? ` for ${duration(d.afterMs / 1000)}` : ''})` : ''}`;
    case 'left':
      return 'left: clean shutdown';
    case 'restarted':
      return `agent restarted${d.uptimeSeconds !== undefined ? ` (host up ${duration(d.uptimeSeconds)})` : ''}`;
    case 'check':
      return `${d.checkId ?? 'check'}: ${d.previous ?? '?'} → ${d.severity ?? '?'}${d.text ? ` — ${d.text}` : ''}`;
    case 'flapping':
      return 'flapping: state changes too often';
    case 'flapping-stopped':
      return 'stopped flapping';
    case 'network':
      return `${d.count ?? 'many'} hosts fell silent at once: the monitor's own network is the likely cause`;
    case 'network-recovered':
      return `network recovered${d.durationMs ? ` after ${duration(d.durationMs / 1000)}` : ''}`;
    default:
      return '';
  }
}

/** Each event type's CSS tone and icon (a test checks every server event type has one). */
export const EVENT_TONE = {
  new: ['good', '▲'],
  up: ['good', '▲'],
  down: ['bad', '▼'],
  left: ['muted', '■'],
  restarted: ['info', '↻'],
  check: ['warn', '!'],
  flapping: ['flap', '≈'],
  'flapping-stopped': ['good', '▲'],
  network: ['bad', '▼'],
  'network-recovered': ['good', '▲'],
};

/** The CSS class and icon of an event type (a type this dashboard does not know: neutral). */
export function eventTone(type) {
  return EVENT_TONE[type] ?? ['info', '?'];
}
