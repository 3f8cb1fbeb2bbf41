import type { MailboxMessageView } from '../api/world-view.js';
import { parseClockMode, formatClockMode } from '../core/clock.js';
import {
  ControlRequestError,
  type ClockRequest,
  type ControlFacade,
  type QueueAction,
} from '../http/control-facade.js';
import type { QueuedMessage } from '../queue/types.js';
import type { World } from './world.js';
import { buildWorldView } from './world-view.js';
import { coversName, type Fault, type FaultSpec } from '../core/faults.js';
import { compose } from './compose.js';
import { directoryView, dnsView, mailboxesView } from './lab-views.js';

/** The world's side of the control API: the UI, scenarios and `qm` all come through here. */
export function createControlFacade(world: World): ControlFacade {
  return {
    world: () => buildWorldView(world.spec, world.bindings, world.clock),
    traceSince: (afterSeq, limit) => world.traceSince(afterSeq, limit),
    subscribeTrace: (listener) => world.tracer.subscribeJson(listener),
    queue: (host) => queueOf(world, host).list(),
    queueMessage(queueId) {
      const queue = world.mtaHolding(queueId)?.queue;
      const message = queue?.get(queueId);
      return queue && message ? { message, history: queue.history(queueId) } : undefined;
    },
    queueAction: (queueId, action) => queueAction(world, queueId, action),
    queueRaw: (queueId) => world.mtaHolding(queueId)?.queue.raw(queueId),
    mailbox(address, folder) {
      const store = world.storeFor(address);
      if (!store?.hasUser(address)) return undefined;
      if (!store.listFolders(address).some((f) => sameFolder(f.name, folder))) return undefined;
      return store.listMessages(address, folder).map((m): MailboxMessageView => ({
        uid: m.uid,
        messageId: m.messageId,
        subject: m.subject,
        from: m.from,
        to: m.to,
        date: m.date === undefined ? undefined : new Date(m.date).toISOString(),
        sizeBytes: m.sizeBytes,
        size: m.sizeBytes,
        flags: m.flags,
        internalDate: m.internalDate,
      }));
    },
    mailboxMessage(address, folder, uid) {
      const message = world.storeFor(address)?.getMessage(address, folder, uid);
      return message ? { raw: message.raw } : undefined;
    },
    setClock: (request) => setClock(world, request),
    faults: () => world.faults.list(),
    addFault: (spec) => addFault(world, spec),
    removeFault: async (id) => {
      const removed = world.faults.remove(id);
      await world.settledFaults();
      return removed;
    },
    compose: (request) => compose(world, request),
    directory: () => directoryView(world),
    dns: () => dnsView(world),
    mailboxes: () => mailboxesView(world),
  };
}

function queueOf(world: World, host: string | undefined) {
  const mta = world.spec.hosts.find((h) => h.role === 'mta')!.name;
  if (host === undefined || host.toLowerCase() === mta.toLowerCase()) return world.queue;
  const peer = world.peers.mtas.get(host.toLowerCase()) ?? world.peers.mtas.get(host);
  if (!peer) throw new ControlRequestError(404, `no MTA host ${host.slice(0, 100)} in this world`);
  return peer.queue;
}

/** A fault must name something of this world, or it would silently do nothing. */
async function addFault(world: World, spec: FaultSpec): Promise<Fault> {
  const target = spec.target.toLowerCase();
  const known = (() => {
    switch (spec.kind) {
      case 'down':
        return world.hasSwitchableHost(target);
      case 'slow':
      case 'reply':
        return world.spec.hosts.some(
          (h) => coversName(target, h.name) && h.services.some((s) => s.protocol === 'smtp'),
        );
      case 'dns':
        return world.spec.dns.zones.some((z) => coversName(z.origin, target) || coversName(target, z.origin));
      case 'user':
        return world.spec.users.some((u) => u.mail.toLowerCase() === target);
    }
  })();
  if (!known)
    throw new ControlRequestError(
      422,
      `${spec.kind} fault: nothing in this world matches "${spec.target.slice(0, 100)}"`,
    );
  const fault = world.faults.add(spec);
  await world.settledFaults();
  return fault;
}

function sameFolder(a: string, b: string): boolean {
  return a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');
}

async function queueAction(world: World, queueId: string, action: QueueAction): Promise<QueuedMessage | undefined> {
  const mta = world.mtaHolding(queueId);
  const message = mta?.queue.get(queueId);
  if (!mta || !message) return undefined;
  const { queue, node } = mta;
  switch (action) {
    case 'hold':
      if (message.status !== 'queued')
        throw new ControlRequestError(409, `${queueId} is ${message.status}, not queued`);
      queue.hold(queueId, 'held by operator');
      world.tracer.emit({
        kind: 'message.held',
        node,
        traceId: message.traceId,
        data: { queueId, reason: 'held by operator' },
      });
      break;
    case 'release':
      if (message.status !== 'held') throw new ControlRequestError(409, `${queueId} is not held`);
      queue.release(queueId);
      world.tracer.emit({
        kind: 'message.released',
        node,
        traceId: message.traceId,
        data: { queueId },
      });
      break;
    case 'retry':
      if (message.status === 'done') throw new ControlRequestError(409, `${queueId} is done`);
      queue.retryNow(queueId);
      break;
    case 'delete':
      if (message.status === 'done') throw new ControlRequestError(409, `${queueId} is done`);
      queue.delete(queueId);
      world.tracer.emit({
        kind: 'message.dequeued',
        node,
        traceId: message.traceId,
        data: { queueId, outcome: 'deleted' },
      });
      break;
    case 'return':
      if (message.status === 'done') throw new ControlRequestError(409, `${queueId} is done`);
      await world.returnToSender(queueId, 'returned to the sender by the postmaster');
      break;
  }
  world.kickDelivery();
  return queue.get(queueId);
}

function setClock(world: World, request: ClockRequest): { mode: string; now: number } {
  if (request.mode !== undefined) {
    try {
      world.clock.setMode(parseClockMode(request.mode));
    } catch (err) {
      throw new ControlRequestError(400, err instanceof Error ? err.message : String(err));
    }
  }
  if (request.advanceMs !== undefined) {
    if (!Number.isFinite(request.advanceMs) || request.advanceMs < 0)
      throw new ControlRequestError(400, 'advanceMs must be >= 0');
    world.clock.advance(request.advanceMs);
  }
  const mode = formatClockMode(world.clock.mode());
  world.tracer.emit({ kind: 'clock.changed', node: mtaNode(world), data: { mode, now: world.clock.now() } });
  world.kickDelivery();
  return { mode, now: world.clock.now() };
}

function mtaNode(world: World): string {
  return world.spec.hosts.find((h) => h.role === 'mta')!.name;
}
