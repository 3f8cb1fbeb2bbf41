import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import type { TraceEvent } from '../api/trace.js';
import { RecentEvents } from './recent-events.js';
import type { TraceSink } from './tracer.js';

/**
 * How long events wait to be written, and how many make a segment go at once. Live
 * readers are served from memory, so the delay costs nothing visible; it turns the
 * hundreds of small segments a busy second would cross to the writer thread (each a
 * message between threads and a SQLite transaction) into a few dozen. A kill -9
 * loses at most this much of the trace's end, never mail.
 */
const FLUSH_DELAY_MS = 25;
const FLUSH_AT_EVENTS = 5_000;

/**
 * The persisted trace (trace.sqlite in the data dir). A busy world emits tens of
 * thousands of events per second, so the SQLite inserts run on a thread of their own
 * (trace-log-thread.ts); this side keeps the newest events in memory (RecentEvents: a
 * live UI's `since()` never waits for the disk, and what goes to the writer is cut from
 * there), and reads older ones from the file through a read-only connection.
 */
export class TraceLog implements TraceSink {
  private readonly reader: Database.Database;
  private readonly selectSegments: Database.Statement;
  private readonly worker: Worker;
  private readonly recent: RecentEvents;
  /** The first event not yet handed to the writer, if any is waiting. */
  private unsentFrom: number | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private workerGone = false;

  private constructor(reader: Database.Database, worker: Worker, recent: RecentEvents) {
    this.reader = reader;
    this.worker = worker;
    this.recent = recent;
    this.selectSegments = reader
      .prepare('SELECT events FROM trace_segments WHERE last_seq > ? ORDER BY first_seq LIMIT ?')
      .pluck();
    // If the writer dies (a disk error in SQLite), say so; the live trace keeps
    // working from memory, only persistence stops.
    worker.on('error', (err) => console.error(`trace log writer failed: ${err.message}; the trace is no longer saved`));
    worker.on('exit', () => (this.workerGone = true));
  }

  /** `recent`: the memory for the newest events (tests give a small one to see it trimmed). */
  static async open(file: string, recent = new RecentEvents()): Promise<TraceLog> {
    const setup = new Database(file);
    setup.pragma('journal_mode = WAL');
    setup.exec(`CREATE TABLE IF NOT EXISTS trace_segments (
      first_seq INTEGER PRIMARY KEY,
      last_seq INTEGER NOT NULL,
      events TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS trace_segments_by_last ON trace_segments (last_seq);`);
    setup.close();
    const worker = new Worker(new URL('./thread-boot.mjs', import.meta.url), {
      workerData: { module: new URL('./trace-log-thread.ts', import.meta.url).href, file },
    });
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => reject(err);
      worker.once('error', fail);
      worker.once('message', () => {
        worker.off('error', fail);
        resolve();
      });
    });
    return new TraceLog(new Database(file, { readonly: true }), worker, recent);
  }

  lastSeq(): number {
    const row = this.reader.prepare('SELECT MAX(last_seq) AS seq FROM trace_segments').get() as { seq: number | null };
    return row.seq ?? 0;
  }

  append(seq: number, json: string): void {
    if (this.closed) return;
    // Events go out in seq order; one that does not follow (never seen) starts memory over, so send what waits first.
    if (this.unsentFrom !== undefined && seq !== this.recent.newestSeq + 1) this.flush();
    this.recent.append(seq, json);
    this.unsentFrom ??= seq;
    if (seq - this.unsentFrom + 1 >= FLUSH_AT_EVENTS) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
  }

  since(afterSeq: number, limit: number): TraceEvent[] {
    const oldest = this.recent.oldestSeq;
    if (oldest !== undefined && afterSeq >= oldest - 1) {
      return this.recent.texts(afterSeq, limit).map((json) => JSON.parse(json) as TraceEvent);
    }
    // Older than memory: those were written long ago. Continue from memory if the file runs out.
    const fromFile = this.readFile(afterSeq, limit);
    const last = fromFile.at(-1)?.seq ?? afterSeq;
    if (fromFile.length < limit && oldest !== undefined && last >= oldest - 1) {
      return [...fromFile, ...this.since(last, limit - fromFile.length)];
    }
    return fromFile;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (!this.workerGone) {
      await new Promise<void>((resolve) => {
        // Give the writer a moment to finish its last batch; never wait forever.
        const timer = setTimeout(resolve, 5_000);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        this.worker.once('message', done);
        this.worker.once('exit', done);
        this.worker.postMessage({ stop: true });
      });
    }
    await this.worker.terminate();
    this.reader.close();
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const first = this.unsentFrom;
    this.unsentFrom = undefined;
    // Without a writer there is nobody to write them to; memory still serves the live trace.
    if (first !== undefined && !this.workerGone) {
      const last = this.recent.newestSeq;
      // One buffer of UTF-8 lines, moved (not copied) to the writer thread.
      const events = this.recent.lines(first, last)!;
      this.worker.postMessage({ segment: { first, last, events } }, [events.buffer]);
    }
    this.recent.trim();
  }

  /** Events after `afterSeq` from the file's segments, at most `limit`. */
  private readFile(afterSeq: number, limit: number): TraceEvent[] {
    const events: TraceEvent[] = [];
    for (let segments = 16; events.length < limit; segments *= 4) {
      events.length = 0;
      const rows = this.selectSegments.all(afterSeq, segments) as string[];
      for (const row of rows) {
        for (const line of row.split('\n')) {
          const event = parseStored(line);
          if (event !== undefined && event.seq > afterSeq && events.length < limit) events.push(event);
        }
      }
      if (rows.length < segments) break; // the file has nothing more
    }
    return events;
  }
}

/** A stored line as an event; a line that is not one (a damaged file) is skipped, not the whole read. */
function parseStored(line: string): TraceEvent | undefined {
  try {
    const event = JSON.parse(line) as TraceEvent;
    return typeof event?.seq === 'number' ? event : undefined;
  } catch {
    return undefined;
  }
}
