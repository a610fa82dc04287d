import type { HostEvent } from '../../monitor/types.js';
import type { NotificationBatch } from '../types.js';

/**
 * Small text helpers shared by the notifiers. The pipeline already writes each batch's
 * `title` and `text`; notifiers only fit them to their provider's limits and markup.
 */

/** Milliseconds since the epoch as an ISO-8601 UTC string. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Cuts `text` to at most `max` characters, marking the cut with `…`. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** One plain line per event, e.g. `down web-1 at 2026-11-23T18:00:00.000Z`. */
export function eventLine(e: HostEvent): string {
  return `${e.type} ${e.hostId || '(fleet)'} at ${iso(e.at)}`;
}

/** The body for providers that take one text: the batch text, or its title when empty. */
export function bodyText(batch: NotificationBatch): string {
  return batch.text.trim() === '' ? batch.title : batch.text;
}

/** A colour per kind for providers that show one (RGB integer): red, green, amber, blue. */
export function kindColor(kind: NotificationBatch['kind']): number {
  switch (kind) {
    case 'alert':
      return 0xd93f0b;
    case 'resolved':
      return 0x2da44e;
    case 'reminder':
      return 0xe3a008;
    default:
      return 0x1f6feb;
  }
}

/** `#rrggbb` for a colour from {@link kindColor}. */
export function hexColor(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0')}`;
}

/** Escapes text for Telegram's and email's HTML subsets. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `base` + `path` with exactly one `/` between them (base URLs may carry a sub-path). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
