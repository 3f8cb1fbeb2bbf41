import type { TraceEvent, TraceInput, TraceKind } from '../api/trace.js';
import type { Clock } from './clock.js';

/** A live subscriber that takes events as objects. */
export type TraceListener = (event: TraceEvent) => void;
/** A live subscriber that takes events as their JSON text (the WebSocket stream sends them on as text). */
export type TraceJsonListener = (seq: number, json: string) => void;

/**
 * Components report facts through an injected Tracer, after the fact is true.
 * The tracer stamps the gap-free `seq` and the world time, hands the event to its
 * sink (persistence) and then to live subscribers (WebSocket stream, tests).
 */
export interface Tracer {
  emit<K extends TraceKind>(input: TraceInput<K>): void;
  /** Every event from now on, or only those of `kinds`. */
  subscribe(listener: TraceListener, kinds?: readonly TraceKind[]): () => void;
  lastSeq(): number;
}

/** Where events are kept: each as its JSON text, in seq order. `append` must not throw for ordinary input. */
export interface TraceSink {
  append(seq: number, json: string): void;
}

export class WorldTracer implements Tracer {
  private seq: number;
  /** Each listener with the kinds it wants (undefined: all). */
  private readonly listeners = new Map<TraceListener, ReadonlySet<string> | undefined>();
  private readonly jsonListeners = new Set<TraceJsonListener>();

  constructor(
    private readonly clock: Clock,
    private readonly sink?: TraceSink,
    startAfterSeq = 0,
  ) {
    this.seq = startAfterSeq;
  }

  emit<K extends TraceKind>(input: TraceInput<K>): void {
    const event = { seq: ++this.seq, at: this.clock.now(), ...input } as TraceEvent;
    if (this.sink !== undefined || this.jsonListeners.size > 0) {
      const json = JSON.stringify(event);
      this.sink?.append(event.seq, json);
      this.tellJson(event.seq, json);
    }
    this.tell(event);
  }

  /**
   * An event that another thread reported, as the JSON text of its input. It is
   * numbered and persisted as text, spliced rather than parsed and serialised again,
   * and parsed only when an object subscriber wants its kind.
   */
  relay(inputJson: string): void {
    if (!inputJson.startsWith('{"')) return this.emit(JSON.parse(inputJson) as TraceInput<TraceKind>);
    const seq = ++this.seq;
    // The same text JSON.stringify(event) gives: seq and at first, then the input's own fields.
    const json = `{"seq":${seq},"at":${this.clock.now()},${inputJson.slice(1)}`;
    this.sink?.append(seq, json);
    this.tellJson(seq, json);
    if (this.someoneWants(leadingKind(inputJson))) this.tell(JSON.parse(json) as TraceEvent);
  }

  subscribe(listener: TraceListener, kinds?: readonly TraceKind[]): () => void {
    this.listeners.set(listener, kinds && new Set(kinds));
    return () => this.listeners.delete(listener);
  }

  /** Every event from now on, as its JSON text (the WebSocket stream sends it on as it is). */
  subscribeJson(listener: TraceJsonListener): () => void {
    this.jsonListeners.add(listener);
    return () => this.jsonListeners.delete(listener);
  }

  lastSeq(): number {
    return this.seq;
  }

  /** `kind` undefined: not known without parsing, so anyone subscribed wants it. */
  private someoneWants(kind: string | undefined): boolean {
    for (const kinds of this.listeners.values()) {
      if (kinds === undefined || kind === undefined || kinds.has(kind)) return true;
    }
    return false;
  }

  private tell(event: TraceEvent): void {
    for (const [listener, kinds] of this.listeners) {
      if (kinds !== undefined && !kinds.has(event.kind)) continue;
      try {
        listener(event);
      } catch {
        // A broken observer (a closed socket, a failing test helper) must never
        // break the mail flow that reported the fact.
      }
    }
  }

  private tellJson(seq: number, json: string): void {
    for (const listener of this.jsonListeners) {
      try {
        listener(seq, json);
      } catch {
        // As above.
      }
    }
  }
}

const KIND_PREFIX = '{"kind":"';

/** The kind of an event input given as JSON text, when it is the first field (as trace inputs write it). */
function leadingKind(inputJson: string): string | undefined {
  if (!inputJson.startsWith(KIND_PREFIX)) return undefined;
  const end = inputJson.indexOf('"', KIND_PREFIX.length);
  return end < 0 ? undefined : inputJson.slice(KIND_PREFIX.length, end);
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
