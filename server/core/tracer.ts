import type { TraceEvent, TraceInput, TraceKind } from '../api/trace.js';
import type { Clock } from './clock.js';

/**
 * Components report facts through an injected Tracer, after the fact is true.
 * The tracer stamps the gap-free `seq` and the world time, hands the event to its
 * sink (persistence) and then to live subscribers (WebSocket stream, tests).
 */
export interface Tracer {
  emit<K extends TraceKind>(input: TraceInput<K>): void;
  /** Live events from now on; with `kinds`, only events of those kinds. */
  subscribe(listener: (event: TraceEvent) => void, kinds?: readonly TraceKind[]): () => void;
  lastSeq(): number;
}

/** Where events are kept. `append` must not throw for ordinary input. */
export interface TraceSink {
  append(event: TraceEvent): void;
}

type Listener = (event: TraceEvent) => void;

export class WorldTracer implements Tracer {
  private seq: number;
  /** Each listener with the kinds it wants (undefined: all). */
  private readonly listeners = new Map<Listener, ReadonlySet<TraceKind> | undefined>();

  constructor(
    private readonly clock: Clock,
    private readonly sink?: TraceSink,
    startAfterSeq = 0,
  ) {
    this.seq = startAfterSeq;
  }

  emit<K extends TraceKind>(input: TraceInput<K>): TraceEvent<K> {
    const event = { seq: ++this.seq, at: this.clock.now(), ...input } as TraceEvent<K>;
    this.sink?.append(event as TraceEvent);
    this.tell(event as TraceEvent);
    return event;
  }

  subscribe(listener: Listener, kinds?: readonly TraceKind[]): () => void {
    this.listeners.set(listener, kinds && new Set(kinds));
    return () => this.listeners.delete(listener);
  }

  lastSeq(): number {
    return this.seq;
  }

  private tell(event: TraceEvent): void {
    for (const [listener, kinds] of this.listeners) {
      if (kinds && !kinds.has(event.kind)) continue;
      try {
        listener(event);
      } catch {
        // A broken observer (a closed socket, a failing test helper) must never
        // break the mail flow that reported the fact.
      }
    }
  }
}

/** A tracer that keeps events in memory: for unit tests of a single component. */
export class MemoryTracer extends WorldTracer {
  readonly events: TraceEvent[] = [];

  constructor(clock: Clock) {
    super(clock);
    this.subscribe((e) => this.events.push(e));
  }

  kinds(): TraceKind[] {
    return this.events.map((e) => e.kind);
  }

  ofKind<K extends TraceKind>(kind: K): TraceEvent<K>[] {
    return this.events.filter((e) => e.kind === kind) as TraceEvent<K>[];
  }
}
