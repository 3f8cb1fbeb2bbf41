import type { Tracer } from '../core/tracer.js';
import type { StoreChange, StoreChangeListener } from './types.js';

/** Payload of one `mailbox.stored` trace event. */
export interface StoredFact {
  address: string;
  folder: string;
  uid: number;
  sizeBytes: number;
  messageId: string | undefined;
  duplicate: boolean;
}

export interface TraceIds {
  traceId?: string | undefined;
  spanId?: string | undefined;
  parentSpanId?: string | undefined;
}

/**
 * Who hears about the store's facts: change listeners (IDLE, the UI) and the
 * tracer. Both are called only after the commit that made the fact true.
 */
export class StoreEvents {
  private readonly listeners = new Set<StoreChangeListener>();

  constructor(
    private readonly host: string,
    private readonly tracer: Tracer | undefined,
  ) {}

  onChange(listener: StoreChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(changes: readonly StoreChange[]): void {
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch {
          // A broken listener (a dropped IDLE session) must not undo or block a committed change.
        }
      }
    }
  }

  stored(fact: StoredFact, ids: TraceIds = {}): void {
    if (!this.tracer) return;
    const { messageId, ...rest } = fact;
    this.tracer.emit({
      kind: 'mailbox.stored',
      node: this.host,
      ...(ids.traceId !== undefined && { traceId: ids.traceId }),
      ...(ids.spanId !== undefined && { spanId: ids.spanId }),
      ...(ids.parentSpanId !== undefined && { parentSpanId: ids.parentSpanId }),
      data: messageId !== undefined ? { ...rest, messageId } : rest,
    });
  }
}
