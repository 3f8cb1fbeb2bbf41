/**
 * Which edge(s) an event moves along. An event with `from`/`to` crossed a real link
 * and rides it. Events that happen inside the site's MTA name only the MTA host; the
 * diagram splits that MTA into its parts, so they are mapped here:
 *
 *   message.accepted   sender's client (submission) or the Internet (SMTP) → MTA
 *   verdict.given      MTA → verdict engine        (drawn after the arrival, see below)
 *   message.queued     verdict engine → disk queue;  a DSN: router → queue
 *   route.resolved     queue → router
 *   delivery.attempted router → next host          (a retry starts at the queue)
 *   delivery.deferred  router → queue              (it parks there until nextAttemptAt)
 *   delivery.failed    refusing host → router      (red)
 *   delivery.hopFailed a host that could not take it → router (red), before the next MX is tried
 *   delivery.succeeded nothing: the attempt's token already rode that link
 *   mmp.authenticated  user's client → MMP
 *
 * The other MTAs of the world (smarthost, LAN server, Internet hosts) are drawn by
 * their links only: a message reaching one arrives on the token of the delivery that
 * brought it. Mail they send to the site's MX is drawn by the site MTA's own
 * message.accepted, from "Senders on the Internet" (its SMTP door), not twice. The MTA traces the verdict during DATA, before message.accepted; a token
 * that left for the verdict engine before the message reached the MTA would tell the
 * story backwards, so that hop waits for the arrival.
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import {
  INTERNET_NODE,
  LOCAL_CLIENT_NODE,
  QUEUE_NODE,
  ROUTER_NODE,
  VERDICT_NODE,
  clientNodeId,
} from '../topology/logical.js';
import { mutable, type Batch } from './batch.js';
import type { MessageView, TokenKind } from './types.js';

export interface Hop {
  from: string;
  to: string;
  kind: TokenKind;
}

type HopRule<K extends TraceEvent['kind']> = (b: Batch, e: Extract<TraceEvent, { kind: K }>) => Hop[];
type HopRules = { [K in TraceEvent['kind']]?: HopRule<K> };

const LOOKUP_KINDS = new Set<string>(['directory.bound', 'directory.searched', 'dns.answered']);

function messageKind(m: MessageView | undefined): TokenKind {
  return m?.isDsn ? 'dsn' : 'message';
}

/** Rules for events of the site MTA, drawn through its parts. */
const siteRules: HopRules = {
  'message.accepted': (b, e) => {
    const m = e.traceId ? b.messages.edit(e.traceId) : undefined;
    const hops: Hop[] = [{ from: e.from ?? senderNode(b, e.node, e.data.sessionId), to: e.node, kind: messageKind(m) }];
    if (m?.pendingVerdictHop) {
      mutable(m).pendingVerdictHop = false;
      hops.push({ from: e.node, to: VERDICT_NODE, kind: messageKind(m) });
    }
    return hops;
  },
  'verdict.given': (b, e) => {
    const m = e.traceId ? b.messages.edit(e.traceId) : undefined;
    if (e.data.action === 'reject') {
      return [{ from: e.node, to: VERDICT_NODE, kind: 'failure' }];
    }
    if (m && m.sender === undefined) {
      mutable(m).pendingVerdictHop = true;
      return [];
    }
    return [{ from: e.node, to: VERDICT_NODE, kind: messageKind(m) }];
  },
  'message.queued': (b, e) => {
    // A bounce is written by the MTA itself, where the route failed; anything else was judged first.
    if (e.data.source === 'dsn') return [{ from: ROUTER_NODE, to: QUEUE_NODE, kind: 'dsn' }];
    return [{ from: VERDICT_NODE, to: QUEUE_NODE, kind: messageKind(traceMessage(b, e)) }];
  },
  'route.resolved': (b, e) => [{ from: QUEUE_NODE, to: ROUTER_NODE, kind: messageKind(traceMessage(b, e)) }],
  'delivery.attempted': (b, e) => {
    const kind = messageKind(traceMessage(b, e));
    const hops: Hop[] =
      e.data.attempt > 1 && e.data.mx === undefined ? [{ from: QUEUE_NODE, to: ROUTER_NODE, kind }] : [];
    // Without `to` the channel reports each host it really tries in events of their own.
    if (e.to !== undefined) hops.push({ from: ROUTER_NODE, to: e.to, kind });
    return hops;
  },
  'delivery.deferred': () => [{ from: ROUTER_NODE, to: QUEUE_NODE, kind: 'deferral' }],
  'delivery.failed': (_b, e) => [{ from: e.data.host ?? QUEUE_NODE, to: ROUTER_NODE, kind: 'failure' }],
  'delivery.hopFailed': (_b, e) => [{ from: e.data.host, to: ROUTER_NODE, kind: 'failure' }],
};

/** Rules for any node. */
const anyRules: HopRules = {
  'mmp.authenticated': (_b, e) => [{ from: clientNodeId(e.data.user), to: e.node, kind: 'session' }],
  // The outcome of an attempt whose token already rode the link: a status change, no second ride.
  'delivery.succeeded': () => [],
};

/** Kinds that only move tokens at the site MTA; elsewhere they are drawn by their links, if any. */
const SITE_ONLY = new Set<string>(Object.keys(siteRules));

function traceMessage(b: Batch, e: TraceEvent): MessageView | undefined {
  return e.traceId ? b.messages.get(e.traceId) : undefined;
}

/** Who handed a message to the MTA: a signed-in user's client, a local client, or the Internet. */
function senderNode(b: Batch, node: string, sessionId: string): string {
  const session = b.sessions.get(`${node} ${sessionId}`);
  if (session?.protocol === 'smtp') return INTERNET_NODE;
  if (session?.user) return clientNodeId(session.user);
  return LOCAL_CLIENT_NODE;
}

export function hopsFor(b: Batch, e: TraceEvent): Hop[] {
  const atSite = b.opts.siteMta !== undefined && e.node === b.opts.siteMta;
  const rule = (atSite ? siteRules[e.kind] : undefined) ?? anyRules[e.kind];
  if (rule) return (rule as HopRule<typeof e.kind>)(b, e as never);
  return linkHops(b, e, atSite);
}

function linkHops(b: Batch, e: TraceEvent, atSite: boolean): Hop[] {
  // dns.answered names only the asker: the answer comes from the node itself.
  const to = e.to ?? e.node;
  if (e.from === undefined || e.from === to) return [];
  if (LOOKUP_KINDS.has(e.kind)) return [{ from: e.from, to, kind: 'pulse' }];
  if (!atSite && SITE_ONLY.has(e.kind) && e.kind !== 'delivery.attempted') return [];
  if (!atSite && e.kind === 'delivery.attempted' && to === b.opts.siteMta) return [];
  const failed = e.kind === 'delivery.failed' || e.kind === 'delivery.hopFailed';
  return [{ from: e.from, to, kind: failed ? 'failure' : e.traceId ? messageKind(traceMessage(b, e)) : 'session' }];
}
