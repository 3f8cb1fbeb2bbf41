import Database from 'better-sqlite3';
import type { TraceEvent } from '../api/trace.js';
import type { TraceSink } from './tracer.js';

/**
 * The persisted trace (trace.sqlite in the data dir). Events are buffered and written
 * in one transaction per event-loop turn: a busy world emits thousands per second.
 * synchronous=NORMAL in WAL mode survives a process crash (kill -9) for everything
 * committed; only an OS crash may lose the last moments — acceptable for a log that
 * explains the mail, unlike the queue that holds it.
 */
export class TraceLog implements TraceSink {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly selectSince: Database.Statement;
  private readonly writeBatch: (events: TraceEvent[]) => void;
  private pending: TraceEvent[] = [];
  private flushScheduled = false;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS trace (
      seq INTEGER PRIMARY KEY,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      trace_id TEXT,
      event TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS trace_by_trace_id ON trace (trace_id) WHERE trace_id IS NOT NULL;`);
    this.insert = this.db.prepare('INSERT OR REPLACE INTO trace (seq, at, kind, trace_id, event) VALUES (?, ?, ?, ?, ?)');
    this.selectSince = this.db.prepare('SELECT event FROM trace WHERE seq > ? ORDER BY seq LIMIT ?').pluck();
    this.writeBatch = this.db.transaction((events: TraceEvent[]) => {
      for (const e of events) this.insert.run(e.seq, e.at, e.kind, e.traceId ?? null, JSON.stringify(e));
    });
  }

  lastSeq(): number {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM trace').get() as { seq: number | null };
    return row.seq ?? 0;
  }

  append(event: TraceEvent): void {
    this.pending.push(event);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0 || !this.db.open) return;
    const batch = this.pending;
    this.pending = [];
    this.writeBatch(batch);
  }

  since(afterSeq: number, limit: number): TraceEvent[] {
    this.flush();
    return (this.selectSince.all(afterSeq, limit) as string[]).map((text) => JSON.parse(text) as TraceEvent);
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
