import type { TraceInput, TraceKind } from '../api/trace.js';
import type { ThreadChannel } from '../core/thread-channel.js';
import type { Tracer } from '../core/tracer.js';
import type { LabResolver, LookupContext, MxRecord } from '../dns/resolver.js';
import { resolveOutcome, type ResolveAnswer, type ResolveRequest } from './listener-wire.js';

/**
 * What the listener thread has of the world's trace and DNS: both live on the main
 * thread (one numbering of events; one resolver cache, and the DNS server's record of
 * who asked), so this side only relays.
 */

/**
 * The trace as the listener thread reports it: each event goes to the main thread's
 * tracer, which numbers and stamps it (WorldTracer.relay). Nobody subscribes on this side.
 */
export class RelayTracer implements Tracer {
  constructor(private readonly mainThread: ThreadChannel) {}

  emit<K extends TraceKind>(input: TraceInput<K>): void {
    this.mainThread.notify('trace', input);
  }

  subscribe(): () => void {
    throw new Error('the listener thread relays its trace; subscribe on the main thread');
  }

  lastSeq(): number {
    return 0;
  }
}

/** The lab's resolver, asked on the main thread. */
export class RelayResolver implements LabResolver {
  constructor(
    private readonly mainThread: ThreadChannel,
    private readonly currentGeneration: () => number,
  ) {}

  /** Changes whenever the main resolver drops its cache: results built on it (the verdict's) go too. */
  get generation(): number {
    return this.currentGeneration();
  }

  resolveMx(name: string, context: LookupContext) {
    return this.ask<MxRecord[]>({ method: 'resolveMx', name, context });
  }

  resolveA(name: string, context: LookupContext) {
    return this.ask<string[]>({ method: 'resolveA', name, context });
  }

  resolveTxt(name: string, context: LookupContext) {
    return this.ask<string[][]>({ method: 'resolveTxt', name, context });
  }

  reverse(address: string, context: LookupContext) {
    return this.ask<string[]>({ method: 'reverse', name: address, context });
  }

  private async ask<T>(request: ResolveRequest): Promise<T> {
    return resolveOutcome<T>(await this.mainThread.call<ResolveAnswer>('resolve', request));
  }
}
