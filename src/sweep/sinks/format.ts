/**
 * Pure renderers for sweep results: JSON lines, CSV (RFC 4180) and aligned table rows.
 * The sinks around them only move the text.
 */
import { formatDuration } from '../../util/duration.js';
import type { SweepResult } from '../types.js';

export type SweepFormat = 'table' | 'jsonl' | 'csv';
export const SWEEP_FORMATS: readonly SweepFormat[] = ['table', 'jsonl', 'csv'];

/** One JSON object per line, the result exactly as typed. */
export function jsonLine(r: SweepResult): string {
  return `${JSON.stringify(r)}\n`;
}

export const CSV_HEADER =
  'target,host,status,error_class,message,uptime_seconds,booted_at,load1,load5,load15,users,duration_ms,at\n';

function csvField(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record matching {@link CSV_HEADER}. */
export function csvLine(r: SweepResult): string {
  const ok = r.status === 'ok';
  return `${[
    r.target,
    r.host,
    r.status,
    ok ? undefined : r.errorClass,
    ok ? undefined : r.message,
    ok ? r.uptimeSeconds : undefined,
    ok ? r.bootedAt : undefined,
    ok ? r.load1 : undefined,
    ok ? r.load5 : undefined,
    ok ? r.load15 : undefined,
    ok ? r.users : undefined,
    r.durationMs,
    new Date(r.at).toISOString(),
  ]
    .map(csvField)
    .join(',')}\n`;
}

/** Column widths for the table, sized once from the targets so rows can stream. */
export function tableWidth(specs: readonly string[]): number {
  return Math.min(48, Math.max(6, ...specs.map((s) => s.length)));
}

export function tableHeader(width: number): string {
  return `${'TARGET'.padEnd(width)}  ${'STATUS'.padEnd(11)}  ${'UPTIME'.padEnd(8)}  ${'LOAD'.padEnd(16)}  DETAIL\n`;
}

/** `web1   ok   10d22h   0.50 0.59 0.34   booted 2026-11-13 18:36` */
export function tableRow(r: SweepResult, width: number): string {
  const target = r.target.length > width ? `${r.target.slice(0, width - 1)}~` : r.target.padEnd(width);
  if (r.status === 'ok') {
    const load = `${r.load1.toFixed(2)} ${r.load5.toFixed(2)} ${r.load15.toFixed(2)}`;
    const booted = `booted ${r.bootedAt.slice(0, 16).replace('T', ' ')}Z`;
    return `${target}  ${'ok'.padEnd(11)}  ${formatDuration(r.uptimeSeconds * 1000).padEnd(8)}  ${load.padEnd(16)}  ${booted}\n`;
  }
  return `${target}  ${r.errorClass.padEnd(11)}  ${'-'.padEnd(8)}  ${'-'.padEnd(16)}  ${r.message.replace(/\s+/g, ' ')}\n`;
}
