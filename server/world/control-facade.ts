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

/** The world's side of the control API: the UI, scenarios and `qm` all come through here. */
export function createControlFacade(world: World): ControlFacade {
  return {
    world: () => buildWorldView(world.spec, world.bindings, world.clock),
    traceSince: (afterSeq, limit) => world.traceSince(afterSeq, limit),
    subscribeTrace: (listener) => world.tracer.subscribe(listener),
    queue: () => world.queue.list(),
    queueMessage(queueId) {
      const message = world.queue.get(queueId);
      return message ? { message, history: world.queue.history(queueId) } : undefined;
    },
    queueAction: (queueId, action) => queueAction(world, queueId, action),
    mailbox(address, folder) {
      const store = world.storeFor(address)?.store;
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
      const message = world.storeFor(address)?.store.getMessage(address, folder, uid);
      return message ? { raw: message.raw } : undefined;
    },
    setClock: (request) => setClock(world, request),
  };
}

function sameFolder(a: string, b: string): boolean {
  return a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');
}

async function queueAction(world: World, queueId: string, action: QueueAction): Promise<QueuedMessage | undefined> {
  const message = world.queue.get(queueId);
  if (!message) return undefined;
  switch (action) {
    case 'hold':
      if (message.status !== 'queued')
        throw new ControlRequestError(409, `${queueId} is ${message.status}, not queued`);
      world.queue.hold(queueId, 'held by operator');
      world.tracer.emit({
        kind: 'message.held',
        node: mtaNode(world),
        traceId: message.traceId,
        data: { queueId, reason: 'held by operator' },
      });
      break;
    case 'release':
      if (message.status !== 'held') throw new ControlRequestError(409, `${queueId} is not held`);
      world.queue.release(queueId);
      world.tracer.emit({
        kind: 'message.released',
        node: mtaNode(world),
        traceId: message.traceId,
        data: { queueId },
      });
      break;
    case 'retry':
      if (message.status === 'done') throw new ControlRequestError(409, `${queueId} is done`);
      world.queue.retryNow(queueId);
      break;
    case 'delete':
      if (message.status === 'done') throw new ControlRequestError(409, `${queueId} is done`);
      world.queue.delete(queueId);
      world.tracer.emit({
        kind: 'message.dequeued',
        node: mtaNode(world),
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
  return world.queue.get(queueId);
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
