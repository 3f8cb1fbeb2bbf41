import type { TraceEvent, TraceInput, TraceKind } from '../api/trace.js';
import type { Clock } from './clock.js';

/**
 * Components report facts through an injected Tracer, after the fact is true.
 * The tracer stamps the gap-free `seq` and the world time, hands the event to its
 * sink (persistence) and then to live subscribers (WebSocket stream, tests).
 */
export interface Tracer {
  emit<K extends TraceKind>(input: TraceInput<K>): void;
  /** emit for an event already in JSON text, as traceInputJson writes it (a listener thread's): one line, kind first. */
  emitJson(inputJson: string): void;
  /** Live events from now on; with `kinds`, only events of those kinds. */
  subscribe(listener: (event: TraceEvent) => void, kinds?: readonly TraceKind[]): () => void;
  lastSeq(): number;
}

/** Where events are kept, each with its JSON text. Neither method may throw for ordinary input. */
export interface TraceSink {
  append(event: TraceEvent): void;
  appendJson(seq: number, json: string): void;
}

/** How a relayed event's JSON text starts: its kind comes first (see traceInputJson). */
const KIND_FIRST = '{"kind":"';

/**
 * A TraceInput as JSON text with `kind` as its first member, so that the main thread
 * can tell the kind without parsing it (WorldTracer.emitJson).
 */
export function traceInputJson(input: TraceInput): string {
  // Events are nearly always written kind first ({ kind, node, data }); copy only those that are not.
  const json = JSON.stringify(input);
  return json.startsWith(KIND_FIRST) ? json : JSON.stringify(Object.assign({ kind: input.kind }, input));
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
    this.tell(input.kind, () => event as TraceEvent);
    return event;
  }

  /**
   * emit for an event that arrives as JSON text (traceInputJson), from a listener
   * thread: it is numbered, stamped and kept as text, and parsed only if a subscriber
   * wants its kind. Most events of a busy world would otherwise be parsed here only to
   * be turned back into the same text for the trace log.
   */
  emitJson(inputJson: string): void {
    if (!inputJson.startsWith(KIND_FIRST) || !inputJson.endsWith('}')) {
      throw new Error('a relayed trace event must be a JSON object that starts with its kind');
    }
    const kind = inputJson.slice(KIND_FIRST.length, inputJson.indexOf('"', KIND_FIRST.length)) as TraceKind;
    const seq = ++this.seq;
    const json = `{"seq":${seq},"at":${this.clock.now()},${inputJson.slice(1)}`;
    this.sink?.appendJson(seq, json);
    let event: TraceEvent | undefined;
    this.tell(kind, () => (event ??= JSON.parse(json) as TraceEvent));
  }

  subscribe(listener: Listener, kinds?: readonly TraceKind[]): () => void {
    this.listeners.set(listener, kinds && new Set(kinds));
    return () => this.listeners.delete(listener);
  }

  lastSeq(): number {
    return this.seq;
  }

  private tell(kind: TraceKind, event: () => TraceEvent): void {
    for (const [listener, kinds] of this.listeners) {
      if (kinds && !kinds.has(kind)) continue;
      try {
        listener(event());
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
