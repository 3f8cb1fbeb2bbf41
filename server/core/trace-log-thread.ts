import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The trace writer's thread: appends each batch of events as one row (a segment of
 * newline-separated JSON events, seq first..last, arriving as UTF-8 bytes that SQLite
 * itself turns into text). One insert per batch instead of one per event keeps the
 * cost of a busy world's trace (tens of thousands of events per second) small.
 * synchronous=NORMAL in WAL mode: a process crash loses nothing committed. Entry
 * point: runThread, called by thread-boot.mjs.
 */
export function runThread(): void {
  const { file } = workerData as { file: string; module: string };
  const port = parentPort!;
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    'INSERT OR REPLACE INTO trace_segments (first_seq, last_seq, events) VALUES (?, ?, CAST(? AS TEXT))',
  );

  port.on('message', (message: { segment?: { first: number; last: number; events: Uint8Array }; stop?: true }) => {
    const segment = message.segment;
    if (segment) {
      const { buffer, byteOffset, byteLength } = segment.events;
      insert.run(segment.first, segment.last, Buffer.from(buffer, byteOffset, byteLength));
    }
    if (message.stop) {
      db.close();
      port.postMessage({ stopped: true });
    }
  });
  port.postMessage({ ready: true });
}
