import type { TraceEvent, TraceInput, TraceKind } from '../api/trace.js';
import type { Clock } from './clock.js';

/**
 * Components report facts through an injected Tracer, after the fact is true.
 * The tracer stamps the gap-free `seq` and the world time, hands the event to its
 * sink (persistence) and then to live subscribers (WebSocket stream, tests).
 */
export interface Tracer {
  /**
   * `inputJson`, when given, is `input` as JSON text already (an event relayed from
   * another thread arrives as text): the persisted form is built from it instead of
   * serialising the event a second time.
   */
  emit<K extends TraceKind>(input: TraceInput<K>, inputJson?: string): void;
  subscribe(listener: (event: TraceEvent) => void): () => void;
  lastSeq(): number;
}

/** Where events are kept. `append` must not throw for ordinary input. `json` is the event as JSON text, when known. */
export interface TraceSink {
  append(event: TraceEvent, json?: string): void;
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

  emit<K extends TraceKind>(input: TraceInput<K>, inputJson?: string): void {
    const seq = ++this.seq;
    const at = this.clock.now();
    const event = { seq, at, ...input } as TraceEvent;
    // The same text JSON.stringify(event) gives: seq and at first, then the input's own fields.
    const json = inputJson?.startsWith('{"') ? `{"seq":${seq},"at":${at},${inputJson.slice(1)}` : undefined;
    this.sink?.append(event, json);
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
