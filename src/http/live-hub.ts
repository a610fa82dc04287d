import type { ServerResponse } from 'node:http';
import type { HostEvent, HostView, MonitorView } from '../monitor/types.js';
import { BeatRing } from './beat-ring.js';
import type { EventLog } from './event-log.js';
import { eventJson, hostJson } from './json.js';

/** Most events replayed to a reconnecting client; beyond that it gets `reset` and reloads. */
export const CATCH_UP_LIMIT = 1000;

/** Formats one SSE message. `data` is JSON on a single line (JSON.stringify never emits newlines). */
export function sseMessage(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

interface Client {
  res: ServerResponse;
}

export interface LiveHubOptions {
  heartbeatMs: number;
  beatPeriodMs: number;
  maxBufferBytes: number;
  now: () => number;
}

/**
 * Fans the monitor's events and fresh beat data out to Server-Sent-Events clients.
 *
 * Messages: `event` (id = event id; data `{event, host}`) for every persisted event,
 * `beats` (no id; data `{now, rows: [[id, lastBeatAt, uptimeSeconds, load1, state, checkStatus]]}`)
 * every `beatPeriodMs` for hosts that beat since the previous tick, `reset` when a client
 * missed too much to catch up, and a `: ping` comment every `heartbeatMs`.
 *
 * Each client's unsent bytes are bounded: a client that cannot keep up is disconnected and
 * its EventSource reconnects with `Last-Event-ID`, catching up from the event log.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  private readonly ring = new BeatRing();
  private readonly lastSeen = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;
  private beatTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private idle = false;

  constructor(
    private readonly monitor: MonitorView,
    private readonly opts: LiveHubOptions,
  ) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.monitor.subscribe((e) => this.onEvent(e));
    this.tick(false);
    this.beatTimer = setInterval(() => this.tick(true), this.opts.beatPeriodMs);
    this.pingTimer = setInterval(() => this.broadcast(': ping\n\n'), this.opts.heartbeatMs);
    this.beatTimer.unref();
    this.pingTimer.unref();
  }

  /** Stops timers and ends every stream (so the server can close). */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.beatTimer);
    clearInterval(this.pingTimer);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Recent beat arrivals for a host: the monitor's own history when it keeps one. */
  beatHistory(id: string): number[] {
    return this.monitor.beatHistory?.(id) ?? this.ring.get(id);
  }

  /**
   * Adds a client after replaying the events it missed (`afterId`). The replay and the
   * registration happen in one synchronous step, so no event falls in between.
   */
  add(res: ServerResponse, events: EventLog, afterId: number | undefined, beatsSince?: number): void {
    const client: Client = { res };
    // The client may already be gone (it hung up while the request was being handled).
    if (res.destroyed) return;
    res.write('retry: 2000\n\n');
    if (this.idle || beatsSince !== undefined) {
      const hosts = this.monitor.hosts();
      if (this.idle) {
        // Back from a quiet spell: take the current beats as the baseline without sending them.
        this.idle = false;
        this.absorb(hosts);
      }
      if (beatsSince !== undefined) {
        // Beats since the client's snapshot, so nothing falls between snapshot and stream.
        const rows = hosts.filter((h) => h.lastBeatAt > beatsSince).map(beatRow);
        if (rows.length > 0) res.write(sseMessage('beats', { now: this.opts.now(), rows }));
      }
    }
    if (afterId !== undefined) {
      const missed = events.list({ limit: CATCH_UP_LIMIT + 1, afterId });
      if (missed.length > CATCH_UP_LIMIT) {
        res.write(sseMessage('reset', { reason: 'too many missed events; reload' }));
      } else {
        const now = this.opts.now();
        for (const e of missed.slice().reverse()) res.write(this.eventMessage(e, now));
      }
    }
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
  }

  private absorb(hosts: HostView[]): void {
    const keepRing = !this.monitor.beatHistory;
    for (const h of hosts) {
      if (this.lastSeen.get(h.id) === h.lastBeatAt) continue;
      this.lastSeen.set(h.id, h.lastBeatAt);
      if (keepRing) this.ring.record(h.id, h.lastBeatAt);
    }
  }

  private eventMessage(e: HostEvent, now: number): string {
    const h = e.hostId ? this.monitor.host(e.hostId) : undefined;
    return sseMessage('event', { event: eventJson(e), host: h ? hostJson(h, now) : null }, e.id);
  }

  private onEvent(e: HostEvent): void {
    if (this.clients.size === 0) return;
    this.broadcast(this.eventMessage(e, this.opts.now()));
  }

  private tick(send: boolean): void {
    // Reading every host costs O(fleet) per tick: only do it while someone is watching.
    // (The fallback beat ring therefore fills while a dashboard is open; a monitor that
    // implements beatHistory() keeps the full history regardless.)
    if (send && this.clients.size === 0) {
      this.idle = true;
      return;
    }
    const hosts = this.monitor.hosts();
    const keepRing = !this.monitor.beatHistory;
    const rows: unknown[] = [];
    for (const h of hosts) {
      const prev = this.lastSeen.get(h.id);
      if (prev === h.lastBeatAt) continue;
      this.lastSeen.set(h.id, h.lastBeatAt);
      if (keepRing) this.ring.record(h.id, h.lastBeatAt);
      if (send) rows.push(beatRow(h));
    }
    // Forget removed hosts now and then (cheap enough once a minute at any size).
    if (++this.ticks % 60 === 0 && this.lastSeen.size > hosts.length) {
      const ids = new Set(hosts.map((h) => h.id));
      for (const id of this.lastSeen.keys()) if (!ids.has(id)) this.lastSeen.delete(id);
      this.ring.retain(ids);
    }
    if (rows.length > 0 && this.clients.size > 0) {
      this.broadcast(sseMessage('beats', { now: this.opts.now(), rows }));
    }
  }

  private broadcast(text: string): void {
    for (const c of this.clients) {
      if (c.res.writableLength > this.opts.maxBufferBytes) {
        // A slow client: drop it rather than buffer without bound; it reconnects and catches up.
        this.clients.delete(c);
        c.res.destroy();
        continue;
      }
      c.res.write(text);
    }
  }
}

function beatRow(h: HostView): [string, number, number, number, string, number] {
  let worst = 0;
  for (const c of h.checks) if (c.severity > worst) worst = c.severity;
  return [h.id, h.lastBeatAt, h.uptimeSeconds, h.load[0], h.state, worst];
}
