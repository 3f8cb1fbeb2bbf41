/**
 * One WebSocket client of the trace stream. It subscribes first, then sends the
 * backlog (from the store, one page per message, the next page only once the last
 * was written to the socket), then live events. Every event leaves exactly once and
 * in seq order: live events seen during the backlog wait in `pending`, and anything
 * at or below `lastSentSeq` is a duplicate and dropped.
 *
 * Live events are coalesced: at most one send per `flushIntervalMs` per client, as a
 * JSON array; they stay the JSON text the tracer made (backlog pages are read from the
 * store as events and serialised again). A client that does not read fast enough
 * (bufferedAmount over the limit) is closed with 1013 "try again later" instead of
 * being buffered without bound.
 */
import type { WebSocket } from 'ws';
import type { ControlFacade } from './control-facade.js';

export interface TraceStreamOptions {
  /** Events per WebSocket message (backlog pages and big live bursts). */
  batchSize: number;
  /** Least real time between two live sends to one client. */
  flushIntervalMs: number;
  /** Unsent bytes a client may have before it counts as too slow. */
  maxBufferedBytes: number;
  /** Live events kept while the backlog is sent; past this they are re-read from the store. */
  maxPendingEvents: number;
  /** After the 1013 close frame, how long to wait for the closing handshake. */
  closeGraceMs: number;
}

export const DEFAULT_STREAM_OPTIONS: Readonly<TraceStreamOptions> = {
  batchSize: 1000,
  flushIntervalMs: 16,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxPendingEvents: 50_000,
  closeGraceMs: 5000,
};

type TraceSource = Pick<ControlFacade, 'traceSince' | 'subscribeTrace'>;

/** An event as it is sent: its JSON text, and its seq for ordering. */
interface Outgoing {
  seq: number;
  json: string;
}

export class TraceStream {
  private phase: 'backlog' | 'live' | 'closed' = 'backlog';
  private pending: Outgoing[] = [];
  private lastSentSeq: number;
  private lastFlushAtMs = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushImmediate: NodeJS.Immediate | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly source: TraceSource,
    sinceSeq: number,
    private readonly options: TraceStreamOptions,
    private readonly onEnd: (stream: TraceStream) => void,
  ) {
    this.lastSentSeq = sinceSeq;
    ws.on('close', () => this.stop());
    ws.on('error', () => this.stop());
  }

  /** Subscribe, then start the backlog: in this order, so nothing falls between them. */
  start(): void {
    this.unsubscribe = this.source.subscribeTrace((seq, json) => this.onLive({ seq, json }));
    this.sendBacklogPage();
  }

  stop(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.pending = [];
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearTimeout(this.flushTimer);
    if (this.flushImmediate) clearImmediate(this.flushImmediate);
    this.onEnd(this);
  }

  private onLive(event: Outgoing): void {
    if (this.phase === 'closed' || event.seq <= this.lastSentSeq) return;
    this.pending.push(event);
    if (this.phase === 'live') {
      this.scheduleFlush();
    } else if (this.pending.length > this.options.maxPendingEvents) {
      // The backlog is slow to go out; these events are in the store too and the
      // backlog loop will read them from there. Keeps memory bounded.
      this.pending = [];
    }
  }

  private sendBacklogPage(): void {
    if (this.phase !== 'backlog') return;
    const page = this.readStore(this.lastSentSeq, this.options.batchSize);
    if (page === undefined) return;
    if (page.length < this.options.batchSize) {
      if (page.length > 0) this.send(page);
      this.goLive();
      return;
    }
    // Pace by the socket: the next page is read only when this one was written out.
    this.send(page, (err) => (err ? this.stop() : this.sendBacklogPage()));
  }

  private goLive(): void {
    this.phase = 'live';
    this.pending = this.pending.filter((e) => e.seq > this.lastSentSeq);
    if (this.pending.length > 0) this.scheduleFlush();
  }

  /**
   * A store that commits later than it tells subscribers (or pending that was dropped
   * for size) can leave a hole between what was sent and the first live event: read
   * it once more from the store rather than skip those events.
   */
  private fillGapBeforePending(): void {
    const first = this.pending[0];
    if (first === undefined || first.seq === this.lastSentSeq + 1) return;
    const missingCount = Math.min(first.seq - this.lastSentSeq - 1, this.options.maxPendingEvents);
    const missing = this.readStore(this.lastSentSeq, missingCount) ?? [];
    this.pending = [...missing.filter((e) => e.seq < first.seq), ...this.pending];
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.flushImmediate !== undefined) return;
    const waitMs = this.lastFlushAtMs + this.options.flushIntervalMs - Date.now();
    if (waitMs <= 0) {
      this.flushImmediate = setImmediate(() => this.flush());
    } else {
      this.flushTimer = setTimeout(() => this.flush(), waitMs);
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    this.flushImmediate = undefined;
    if (this.phase !== 'live') return;
    this.lastFlushAtMs = Date.now();
    this.fillGapBeforePending();
    const events = this.pending;
    this.pending = [];
    for (let i = 0; i < events.length; i += this.options.batchSize) {
      if (this.ws.bufferedAmount > this.options.maxBufferedBytes) {
        this.closeSlowClient();
        return;
      }
      this.send(events.slice(i, i + this.options.batchSize));
    }
  }

  private send(events: Outgoing[], onWritten?: (err?: Error) => void): void {
    this.lastSentSeq = events[events.length - 1]!.seq;
    this.ws.send(`[${events.map((e) => e.json).join(',')}]`, onWritten);
  }

  private readStore(afterSeq: number, limit: number): Outgoing[] | undefined {
    try {
      return this.source
        .traceSince(afterSeq, limit)
        .filter((e) => e.seq > afterSeq)
        .map((e) => ({ seq: e.seq, json: JSON.stringify(e) }));
    } catch (err) {
      console.error('[http] trace stream: reading the trace failed:', err);
      this.ws.close(1011, 'trace unavailable');
      this.stop();
      return undefined;
    }
  }

  private closeSlowClient(): void {
    this.stop();
    this.ws.close(1013, 'client too slow for the trace stream');
    const ws = this.ws;
    const timer = setTimeout(() => ws.terminate(), this.options.closeGraceMs);
    timer.unref();
    ws.once('close', () => clearTimeout(timer));
  }
}
