import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The trace writer's thread: takes batches of events (as JSON text, cheap to pass
 * between threads) and appends them to trace.sqlite, one transaction per batch.
 * synchronous=NORMAL in WAL mode: a process crash loses nothing committed.
 */
const { file } = workerData as { file: string; module: string };
const port = parentPort!;
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const insert = db.prepare('INSERT OR REPLACE INTO trace (seq, at, kind, trace_id, event) VALUES (?, ?, ?, ?, ?)');
const writeBatch = db.transaction(
  (events: Array<{ seq: number; at: number; kind: string; traceId?: string }>, texts: string[]) => {
    events.forEach((e, i) => insert.run(e.seq, e.at, e.kind, e.traceId ?? null, texts[i]));
  },
);

port.on('message', (message: { batch?: string; stop?: true }) => {
  if (message.batch) {
    const texts = message.batch.split('\n');
    writeBatch(
      texts.map((text) => JSON.parse(text) as { seq: number; at: number; kind: string; traceId?: string }),
      texts,
    );
  }
  if (message.stop) {
    db.close();
    port.postMessage({ stopped: true });
  }
});
port.postMessage({ ready: true });
