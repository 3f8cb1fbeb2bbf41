import type { QueuedRecipient } from '../../queue/types.js';
import type { ExpansionTarget } from '../router.js';

export type ExpansionPlan =
  /** Add these (possibly none: everyone is on the message already and will get it). */
  | { kind: 'add'; fresh: ExpansionTarget[] }
  /** Nothing new, and none of the targets will get the message: a forwarding loop. */
  | { kind: 'loop' };

const WILL_RECEIVE = new Set(['pending', 'active', 'delivered']);

/**
 * What an expansion (group, forwarding, alias) really adds to a message. An address the
 * message already has is never added again: that stops group and forwarding loops. The
 * parent is being replaced, so its own address may come back (a forward that keeps a
 * copy). If nothing is new and none of the targets will receive the message — they
 * were themselves expanded away — it is a loop, to be failed so the sender hears of it.
 */
export function planExpansion(
  current: QueuedRecipient[],
  parent: QueuedRecipient,
  into: ExpansionTarget[],
): ExpansionPlan {
  const others = current.filter((r) => r.recipientId !== parent.recipientId);
  const statusOf = new Map(others.map((r) => [r.address.toLowerCase(), r.status]));
  const seen = new Set(statusOf.keys());
  const fresh = into.filter((target) => {
    const key = target.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const covered = into.some((target) => WILL_RECEIVE.has(statusOf.get(target.address.toLowerCase()) ?? ''));
  return fresh.length === 0 && !covered ? { kind: 'loop' } : { kind: 'add', fresh };
}
