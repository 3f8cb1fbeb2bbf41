/**
 * Keeps the trace flowing in: first the recorded history by HTTP pages (folded, not
 * animated: it already happened), then the live WebSocket from the last seq. When the
 * socket drops it retries with exponential backoff and jitter and resumes from the last
 * seq it delivered, so nothing is missed and nothing is applied twice (the fold also
 * ignores seqs it has seen). It never blocks: events are handed to `onEvents`, which
 * only queues them.
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import { TRACE_PAGE_LIMIT, type ApiClient } from './client.js';

export type ConnectionPhase = 'connecting' | 'catching-up' | 'live' | 'offline' | 'stopped';

export interface ConnectionStatus {
  phase: ConnectionPhase;
  /** When offline: Date.now() time of the next attempt. */
  retryAt?: number;
  error?: string;
  lastSeq: number;
}

export interface SocketLike {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

export interface TraceConnectionDeps {
  api: Pick<ApiClient, 'trace' | 'traceStreamUrl'>;
  onEvents(events: TraceEvent[], live: boolean): void;
  onStatus(status: ConnectionStatus): void;
  /** Called each time the connection (re)starts, e.g. to reload the world view. */
  onConnecting?(): Promise<void> | void;
  createSocket?(url: string): SocketLike;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export class TraceConnection {
  private lastSeq: number;
  private stopped = false;
  private socket: SocketLike | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;

  constructor(
    private readonly deps: TraceConnectionDeps,
    startSeq = 0,
  ) {
    this.lastSeq = startSeq;
  }

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'page closed');
    this.socket = undefined;
    this.status('stopped');
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.status('connecting');
    try {
      await this.deps.onConnecting?.();
      this.status('catching-up');
      await this.catchUp();
      this.openSocket();
    } catch (err) {
      this.retry(err instanceof Error ? err.message : String(err));
    }
  }

  private async catchUp(): Promise<void> {
    while (!this.stopped) {
      const page = await this.deps.api.trace(this.lastSeq, TRACE_PAGE_LIMIT);
      this.deliver(page, false);
      if (page.length < TRACE_PAGE_LIMIT) return;
    }
  }

  private openSocket(): void {
    if (this.stopped) return;
    const url = this.deps.api.traceStreamUrl(this.lastSeq);
    const socket = this.deps.createSocket ? this.deps.createSocket(url) : new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.failures = 0;
      this.status('live');
    };
    socket.onmessage = (ev) => {
      const events = parseFrame(ev.data);
      if (events) this.deliver(events, true);
    };
    socket.onclose = (ev) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.retry(ev.reason || `stream closed (${ev.code})`);
    };
    // An error is always followed by a close: the retry happens there.
    socket.onerror = () => undefined;
  }

  private deliver(events: TraceEvent[], live: boolean): void {
    if (this.stopped || events.length === 0) return;
    this.lastSeq = Math.max(this.lastSeq, events[events.length - 1]!.seq);
    this.deps.onEvents(events, live);
  }

  private retry(error: string): void {
    if (this.stopped) return;
    const initial = this.deps.initialBackoffMs ?? 500;
    const ceiling = this.deps.maxBackoffMs ?? 15_000;
    const base = Math.min(ceiling, initial * 2 ** this.failures);
    // Jitter: many tabs reconnecting after a restart should not arrive all at once.
    const delayMs = Math.round(base * (0.5 + Math.random() * 0.5));
    this.failures += 1;
    this.status('offline', { retryAt: Date.now() + delayMs, error });
    this.retryTimer = setTimeout(() => void this.connect(), delayMs);
  }

  private status(phase: ConnectionPhase, extra: Partial<ConnectionStatus> = {}): void {
    this.deps.onStatus({ phase, lastSeq: this.lastSeq, ...extra });
  }
}

function parseFrame(data: unknown): TraceEvent[] | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return Array.isArray(parsed) ? (parsed as TraceEvent[]) : undefined;
  } catch {
    return undefined;
  }
}
