import type { TraceEvent } from '../api/trace.js';
import type { ServiceProtocol, WorldSpec } from '../api/world-spec.js';
import type { WorldClock } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { TraceLog } from '../core/trace-log.js';
import type { WorldTracer } from '../core/tracer.js';
import type { QueueStore } from '../queue/queue-store.js';
import type { MtaParts } from './start-mta.js';
import type { StoreHost } from './store-host.js';

export interface ServiceBinding {
  host: string;
  protocol: ServiceProtocol;
  address: string;
  port: number;
}

export interface WorldParts {
  spec: WorldSpec;
  dataDir: string;
  clock: WorldClock;
  tracer: WorldTracer;
  traceLog: TraceLog;
  queue: QueueStore;
  stores: Map<string, StoreHost>;
  bindings: ServiceBinding[];
  mta: MtaParts;
  lifecycle: Lifecycle;
}

/** A running world. Made by createWorld(); `stop()` closes everything it opened. */
export class World {
  readonly spec: WorldSpec;
  readonly dataDir: string;
  readonly clock: WorldClock;
  readonly tracer: WorldTracer;
  readonly queue: QueueStore;
  readonly stores: Map<string, StoreHost>;
  readonly bindings: ServiceBinding[];
  /** Set once the control server listens. */
  controlUrl = '';
  controlToken = '';
  private readonly parts: WorldParts;
  private stopping: Promise<void> | undefined;

  constructor(parts: WorldParts) {
    this.parts = parts;
    this.spec = parts.spec;
    this.dataDir = parts.dataDir;
    this.clock = parts.clock;
    this.tracer = parts.tracer;
    this.queue = parts.queue;
    this.stores = parts.stores;
    this.bindings = parts.bindings;
  }

  /** The port a host's service actually listens on (ephemeral ports in tests). */
  port(host: string, protocol: ServiceProtocol): number {
    const binding = this.bindings.find((b) => b.host.toLowerCase() === host.toLowerCase() && b.protocol === protocol);
    if (!binding) throw new Error(`${host} has no ${protocol} service in this world`);
    return binding.port;
  }

  /** The port of the first host with this role offering the protocol, e.g. ('mta', 'submission'). */
  portOf(role: string, protocol: ServiceProtocol): number {
    const host = this.spec.hosts.find((h) => h.role === role && h.services.some((s) => s.protocol === protocol));
    if (!host) throw new Error(`no ${role} host with ${protocol} in this world`);
    return this.port(host.name, protocol);
  }

  traceSince(afterSeq: number, limit = 1000): TraceEvent[] {
    return this.parts.traceLog.since(afterSeq, limit);
  }

  /** Wake the delivery scheduler (after an operator action, a clock change). */
  kickDelivery(): void {
    this.parts.mta.scheduler.kick();
  }

  /**
   * The postmaster's "return": every recipient still waiting fails now with `reason`,
   * and the sender gets a bounce for them.
   */
  async returnToSender(queueId: string, reason: string): Promise<void> {
    // Claims ride on the group commit: settle them, so a recipient being delivered
    // right now shows as active and is left alone.
    await this.queue.settled();
    const message = this.queue.get(queueId);
    const raw = this.queue.raw(queueId);
    if (!message || !raw) return;
    const waiting = message.recipients.filter((r) => r.status === 'pending');
    const text = `5.0.0 ${reason}`;
    const { bouncer, context } = this.parts.mta;
    const bounce = await bouncer.enqueue(
      message,
      raw,
      waiting.map((r) => ({
        address: r.address,
        originalAddress: r.originalAddress,
        code: 550,
        text,
        notify: r.notify,
      })),
    );
    for (const r of waiting) {
      await this.queue.markFailed(r.recipientId, { channel: 'operator', code: 550, text });
      this.tracer.emit({
        kind: 'delivery.failed',
        node: context.node,
        traceId: message.traceId,
        data: { queueId, recipient: r.address, channel: 'operator', code: 550, text },
      });
    }
    if (bounce) await bouncer.announce(message, bounce);
    const outcome = this.queue.get(queueId)?.status === 'done' ? 'returned' : undefined;
    if (outcome)
      this.tracer.emit({
        kind: 'message.dequeued',
        node: context.node,
        traceId: message.traceId,
        data: { queueId, outcome },
      });
  }

  /** Store host for an address's mailHost, from the spec. */
  storeFor(address: string): StoreHost | undefined {
    const user = this.spec.users.find(
      (u) =>
        u.mail.toLowerCase() === address.toLowerCase() ||
        u.alternateAddresses?.some((a) => a.toLowerCase() === address.toLowerCase()),
    );
    return user ? this.stores.get(user.mailHost) : undefined;
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.tracer.emit({
        kind: 'world.stopped',
        node: this.spec.hosts.find((h) => h.role === 'mta')!.name,
        data: { name: this.spec.name },
      });
      this.stopping = this.parts.lifecycle.closeAll();
    }
    return this.stopping;
  }
}
