import type { ServerResponse } from 'node:http';
import type { HostEvent, HostView, MonitorView } from '../monitor/types.js';
import type { EventStore } from '../store/index.js';
import { BeatRing } from './beat-ring.js';
import { BEAT_FIELDS, beatRow, eventJson, hostJson } from './json.js';

/** Most events replayed to a reconnecting client; beyond that it gets `reset` and reloads. */
export const CATCH_UP_LIMIT = 1000;

/** Formats one SSE message. `data` is JSON on a single line (JSON.stringify never emits newlines). */
export function sseMessage(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

interface Client {
  res: ServerResponse;
  /**
   * While the client's missed events are read from the store: live messages held back (in
   * order, with their event id when they are one), written after the replay.
   */
  held?: { text: string; id?: number }[];
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
 * `beats` (no id; data `{now, fields, rows}`, each row in `fields` order: BEAT_FIELDS in
 * json.ts) every `beatPeriodMs` for hosts that beat since the previous tick, `reset` when a client
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
   * Adds a client after replaying the events it missed (`afterId`) from the store. The
   * client is registered first and its live messages are held while the replay is read,
   * then written after it (an event the replay already sent is not sent twice), so no
   * event falls between the replay and the live stream.
   */
  async add(
    res: ServerResponse,
    events: Pick<EventStore, 'list'>,
    afterId: number | undefined,
    beatsSince?: number,
  ): Promise<void> {
    // The client may already be gone (it hung up while the request was being handled).
    if (res.destroyed) return;
    const client: Client = { res, ...(afterId !== undefined ? { held: [] } : {}) };
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
        if (rows.length > 0) res.write(beatsMessage(this.opts.now(), rows));
      }
    }
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    if (afterId === undefined) return;
    let lastSent = afterId;
    try {
      const missed = await events.list({ limit: CATCH_UP_LIMIT + 1, afterId });
      if (res.destroyed) return;
      if (missed.length > CATCH_UP_LIMIT) {
        res.write(sseMessage('reset', { reason: 'too many missed events; reload' }));
      } else {
        const now = this.opts.now();
        for (const e of missed.slice().reverse()) {
          res.write(this.eventMessage(e, now));
          lastSent = Math.max(lastSent, e.id);
        }
      }
    } catch {
      // The store did not answer: the client cannot know what it missed, so it reloads.
      res.write(sseMessage('reset', { reason: 'the event log could not be read; reload' }));
    }
    const held = client.held ?? [];
    client.held = undefined;
    // Hung up (or dropped as too slow) while the replay was read: nothing more to write.
    if (res.destroyed || !this.clients.has(client)) return;
    for (const m of held) if (m.id === undefined || m.id > lastSent) res.write(m.text);
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
    this.broadcast(this.eventMessage(e, this.opts.now()), e.id);
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
    const rows: ReturnType<typeof beatRow>[] = [];
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
      this.broadcast(beatsMessage(this.opts.now(), rows));
    }
  }

  private broadcast(text: string, id?: number): void {
    for (const c of this.clients) {
      if (c.held) {
        if (c.held.length >= CATCH_UP_LIMIT) {
          // Too much arrived while its replay was read: drop it, it reconnects and catches up.
          this.clients.delete(c);
          c.res.destroy();
          continue;
        }
        c.held.push(id === undefined ? { text } : { text, id });
        continue;
      }
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

/** A `beats` message: the rows with their field names, so the dashboard reads them by name. */
function beatsMessage(now: number, rows: ReturnType<typeof beatRow>[]): string {
  return sseMessage('beats', { now, fields: BEAT_FIELDS, rows });
}
