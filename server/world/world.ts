import type { TraceEvent } from '../api/trace.js';
import type { ServiceProtocol, WorldSpec } from '../api/world-spec.js';
import type { WorldClock } from '../core/clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { TraceLog } from '../core/trace-log.js';
import type { WorldTracer } from '../core/tracer.js';
import type { QueueStore } from '../queue/queue-store.js';
import type { MtaParts } from './start-mta.js';
import type { DeliveryScheduler } from '../mta/delivery/scheduler.js';
import type { Bouncer } from '../mta/dsn/bouncer.js';
import type { StoreHost } from './store-host.js';
import type { Fault, FaultSwitches } from '../core/faults.js';
import type { ZoneTable } from '../dns/zones.js';
import type { HostThread } from '../core/host-thread.js';
import { setUserStatus } from '../directory/status-control.js';
import { domainOf } from '../mta/address.js';
import type { MessageStore } from '../store/message-store.js';
import type { WorldServices } from './services.js';
import type { Peers } from './start-peers.js';
import type { ServiceBinding } from './services.js';

export type { ServiceBinding } from './services.js';

/** An MTA host of the world as the operator sees it: its queue and the parts that work it. */
export interface MtaHandle {
  node: string;
  queue: QueueStore;
  scheduler: DeliveryScheduler;
  bouncer: Bouncer;
}

export interface WorldParts {
  spec: WorldSpec;
  dataDir: string;
  clock: WorldClock;
  tracer: WorldTracer;
  traceLog: TraceLog;
  queue: QueueStore;
  stores: Map<string, StoreHost>;
  services: WorldServices;
  faults: FaultSwitches;
  peers: Peers;
  /** The DNS zones being served; undefined in a world without a DNS host. */
  zones?: ZoneTable;
  /** The directory host's thread: a `user` fault changes mailUserStatus there. */
  directoryThread?: HostThread;
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
  readonly faults: FaultSwitches;
  readonly peers: Peers;
  readonly zones: ZoneTable | undefined;
  /** Set once the control server listens. */
  controlUrl = '';
  controlToken = '';
  private readonly parts: WorldParts;
  private stopping: Promise<void> | undefined;
  private faultWork: Promise<void> = Promise.resolve();

  constructor(parts: WorldParts) {
    this.parts = parts;
    this.spec = parts.spec;
    this.dataDir = parts.dataDir;
    this.clock = parts.clock;
    this.tracer = parts.tracer;
    this.queue = parts.queue;
    this.stores = parts.stores;
    this.bindings = parts.services.bindings;
    this.faults = parts.faults;
    this.peers = parts.peers;
    this.zones = parts.zones;
  }

  /**
   * A fault switch changed. Most are read where they act (SMTP replies, DNS answers);
   * "down" is made real here: the host's listeners close, and open again when cleared.
   */
  applyFault(change: { fault: Fault; active: boolean }): void {
    const applying = this.switchFault(change);
    this.faultWork = this.faultWork.then(() => applying);
  }

  /** Resolves once every fault change so far has taken effect (listeners closed or reopened). */
  settledFaults(): Promise<void> {
    return this.faultWork;
  }

  hasSwitchableHost(target: string): boolean {
    return this.parts.services.switchboard.covers(target);
  }

  private async switchFault(change: { fault: Fault; active: boolean }): Promise<void> {
    const { fault, active } = change;
    if (fault.kind === 'user') return this.switchUserStatus(fault, active);
    if (fault.kind !== 'down') return;
    const changed = await this.parts.services.switchboard.setDown(fault.target, active).catch((err: unknown) => {
      console.error(`fault ${fault.id}: could not switch ${fault.target}:`, err);
      return [];
    });
    if (active && changed.length > 0) {
      this.parts.faults.applied(fault, fault.target, `stopped listening: ${changed.join(', ')}`);
    }
    // Mail that waited for the host is retried on its schedule; nothing is forced.
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

  /** Wake every delivery scheduler (after an operator action, a clock change). */
  kickDelivery(): void {
    for (const mta of this.mtaHosts()) mta.scheduler.kick();
  }

  /** Every MTA host with a queue: the site MTA first, then the LAN server, the smarthost, the Internet MTAs. */
  mtaHosts(): MtaHandle[] {
    const site = this.spec.hosts.find((h) => h.role === 'mta')!.name;
    const { scheduler, bouncer } = this.parts.mta;
    return [
      { node: site, queue: this.queue, scheduler, bouncer },
      ...[...this.peers.mtas.values()].map((p) => ({
        node: p.name,
        queue: p.queue,
        scheduler: p.scheduler,
        bouncer: p.bouncer,
      })),
    ];
  }

  /** The MTA whose queue holds this message. */
  mtaHolding(queueId: string): MtaHandle | undefined {
    return this.mtaHosts().find((m) => m.queue.get(queueId) !== undefined);
  }

  /**
   * The postmaster's "return": every recipient still waiting fails now with `reason`,
   * and the sender gets a bounce for them.
   */
  async returnToSender(queueId: string, reason: string): Promise<void> {
    // Claims ride on the group commit: settle them, so a recipient being delivered
    // right now shows as active and is left alone.
    const mta = this.mtaHolding(queueId);
    if (!mta) return;
    const { queue, bouncer, node } = mta;
    await queue.settled();
    const message = queue.get(queueId);
    const raw = queue.raw(queueId);
    if (!message || !raw) return;
    const waiting = message.recipients.filter((r) => r.status === 'pending');
    const text = `5.0.0 ${reason}`;
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
      await queue.markFailed(r.recipientId, { channel: 'operator', code: 550, text });
      this.tracer.emit({
        kind: 'delivery.failed',
        node,
        traceId: message.traceId,
        data: { queueId, recipient: r.address, channel: 'operator', code: 550, text },
      });
    }
    if (bounce) await bouncer.announce(message, bounce);
    const outcome = queue.get(queueId)?.status === 'done' ? 'returned' : undefined;
    if (outcome)
      this.tracer.emit({
        kind: 'message.dequeued',
        node,
        traceId: message.traceId,
        data: { queueId, outcome },
      });
  }

  private async switchUserStatus(fault: Extract<Fault, { kind: 'user' }>, active: boolean): Promise<void> {
    const thread = this.parts.directoryThread;
    if (!thread) return;
    // Cleared while another switch on the same user is still on: that one's status stays.
    const other = this.faults.list().find((f) => f.kind === 'user' && f.target === fault.target);
    const status = active ? fault.status : other?.kind === 'user' ? other.status : undefined;
    try {
      const change = await setUserStatus(thread, fault.target, status);
      const node = this.spec.hosts.find((h) => h.role === 'directory')!.name;
      this.faults.applied(fault, node, `mailUserStatus of ${change.dn}: ${change.previous} → ${change.status}`);
      // Mail that waited for this user is tried again now, not at its next retry.
      if (!active) this.retryWaitingFor(fault.target);
    } catch (err) {
      console.error(`fault ${fault.id}:`, err instanceof Error ? err.message : err);
    }
  }

  private retryWaitingFor(address: string): void {
    const lower = address.toLowerCase();
    for (const message of this.queue.list()) {
      if (message.recipients.some((r) => r.address.toLowerCase() === lower && r.status === 'pending')) {
        this.queue.retryNow(message.queueId);
      }
    }
    this.kickDelivery();
  }

  /** The store that keeps an address's mailbox: a site user's mailHost, or an Internet domain's. */
  storeFor(address: string): MessageStore | undefined {
    const user = this.spec.users.find(
      (u) =>
        u.mail.toLowerCase() === address.toLowerCase() ||
        u.alternateAddresses?.some((a) => a.toLowerCase() === address.toLowerCase()),
    );
    if (user) return this.stores.get(user.mailHost)?.store;
    return this.peers.internetStores.get(domainOf(address))?.store;
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      // Fault switches are not kept across a restart: say so in the trace, so a UI that
      // rebuilds its state from the log does not show them as still on.
      this.faults.announceAllCleared();
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
