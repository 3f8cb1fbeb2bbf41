import type { TraceEvent, TraceInput, TraceKind } from '../api/trace.js';
import type { Clock } from './clock.js';

/**
 * Components report facts through an injected Tracer, after the fact is true.
 * The tracer stamps the gap-free `seq` and the world time, hands the event to its
 * sink (persistence) and then to live subscribers (WebSocket stream, tests).
 */
export interface Tracer {
  emit<K extends TraceKind>(input: TraceInput<K>): void;
  subscribe(listener: (event: TraceEvent) => void): () => void;
  lastSeq(): number;
}

/** Where events are kept. `append` must not throw for ordinary input. */
export interface TraceSink {
  append(event: TraceEvent): void;
}

export class WorldTracer implements Tracer {
  private seq: number;
  private readonly listeners = new Set<(event: TraceEvent) => void>();

  constructor(
    private readonly clock: Clock,
    private readonly sink?: TraceSink,
    startAfterSeq = 0,
  ) {
    this.seq = startAfterSeq;
  }

  emit<K extends TraceKind>(input: TraceInput<K>): void {
    const event = { seq: ++this.seq, at: this.clock.now(), ...input } as TraceEvent;
    this.sink?.append(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken observer (a closed socket, a failing test helper) must never
        // break the mail flow that reported the fact.
      }
    }
  }

  subscribe(listener: (event: TraceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastSeq(): number {
    return this.seq;
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
