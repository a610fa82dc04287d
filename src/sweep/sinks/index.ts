/**
 * Where sweep results go. `createSinks()` builds the set a run writes to (text output in
 * one format to stdout or `--out FILE`, plus the database with `--db`); local sweeps,
 * `--every` rounds and the distributed producer all feed the same object.
 */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { ResourceError } from '../../errors.js';
import type { SweepStore } from '../../store/index.js';
import type { SweepResult, SweepRun, SweepSink } from '../types.js';
import {
  CSV_HEADER,
  csvLine,
  jsonLine,
  type SweepFormat,
  tableHeader,
  tableRow,
  tableWidth,
} from './format.js';

export * from './format.js';

export interface SinkOptions {
  format: SweepFormat;
  /** Write text here instead of `stdout`. */
  outFile?: string;
  stdout?: Writable;
  /** Store runs and results here (`store.sweeps` of the `--db` store). */
  db?: SweepStore;
  /** Target specs, to size the table's first column. */
  specs?: readonly string[];
}

/** The sinks of a sweep, with per-round bookkeeping for the database. */
export interface SweepSinks extends SweepSink {
  /** A new round (run) starts: the db gets a run row. */
  beginRound(run: Pick<SweepRun, 'id' | 'startedAt' | 'total' | 'mode' | 'everyMs'>): void;
  /** The round ended at `at`. */
  endRound(at: number): void;
}

class TextSink implements SweepSink {
  private headerDone = false;
  private readonly width: number;
  constructor(
    private readonly out: Writable,
    private readonly format: SweepFormat,
    specs: readonly string[],
    private readonly ownsStream: boolean,
  ) {
    this.width = tableWidth(specs);
  }

  write(r: SweepResult): void | Promise<void> {
    // The reader went away (`thump sweep | head`): nothing more to write.
    if (this.out.destroyed || this.out.writableEnded) return;
    let text = '';
    if (!this.headerDone) {
      this.headerDone = true;
      if (this.format === 'csv') text += CSV_HEADER;
      if (this.format === 'table') text += tableHeader(this.width);
    }
    text +=
      this.format === 'jsonl' ? jsonLine(r) : this.format === 'csv' ? csvLine(r) : tableRow(r, this.width);
    if (!this.out.write(text)) {
      return new Promise((res) => {
        const done = () => {
          this.out.off('drain', done);
          this.out.off('close', done);
          res();
        };
        this.out.once('drain', done);
        this.out.once('close', done);
      });
    }
  }

  close(): Promise<void> {
    return new Promise((res, rej) => {
      if (!this.ownsStream) {
        // Flush what is buffered without closing the process's stdout.
        if (this.out.writableNeedDrain && !this.out.destroyed) {
          this.out.once('drain', () => res());
          this.out.once('close', () => res());
        } else res();
        return;
      }
      this.out.once('error', rej);
      this.out.end(() => res());
    });
  }
}

/**
 * Writes runs and results to the store in order: each call is chained after the previous
 * one, `write` returns the chain (so a slow store slows the sweep instead of queuing
 * without bound), and a failed write surfaces at the next write or at close.
 */
class DbSink implements SweepSink {
  private chain: Promise<void> = Promise.resolve();
  private runId: string | undefined;
  constructor(private readonly sweeps: SweepStore) {}
  private queue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step);
    return this.chain;
  }
  begin(run: Pick<SweepRun, 'id' | 'startedAt' | 'total' | 'mode' | 'everyMs'>): void {
    this.runId = run.id;
    void this.queue(() => this.sweeps.begin(run)).catch(() => {});
  }
  write(r: SweepResult): Promise<void> {
    const id = this.runId;
    return id === undefined ? this.chain : this.queue(() => this.sweeps.write(id, r));
  }
  end(at: number): void {
    const id = this.runId;
    this.runId = undefined;
    if (id !== undefined) void this.queue(() => this.sweeps.finish(id, at)).catch(() => {});
  }
  close(): Promise<void> {
    return this.chain;
  }
}

/** Opens the output file (if any) and builds the sink set. */
export async function createSinks(opts: SinkOptions): Promise<SweepSinks> {
  let out: Writable = opts.stdout ?? process.stdout;
  let owns = false;
  if (opts.outFile !== undefined) {
    const stream = createWriteStream(opts.outFile, { flags: 'w' });
    await new Promise<void>((res, rej) => {
      stream.once('open', () => res());
      stream.once('error', (err) =>
        rej(new ResourceError(`cannot write --out ${opts.outFile}: ${err.message}`, { cause: err })),
      );
    });
    out = stream;
    owns = true;
  }
  const text = new TextSink(out, opts.format, opts.specs ?? [], owns);
  const db = opts.db ? new DbSink(opts.db) : undefined;
  return {
    beginRound: (run) => db?.begin(run),
    endRound: (at) => db?.end(at),
    write: async (r) => {
      const stored = db?.write(r);
      await text.write(r);
      await stored;
    },
    close: async () => {
      try {
        await db?.close();
      } finally {
        await text.close();
      }
    },
  };
}
