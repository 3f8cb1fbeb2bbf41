/** One line per event, in words a class can read. A typed map: every kind has its line. */
import type { TraceEvent, TraceKind } from '../../../../server/api/trace.js';

type Summaries = { [K in TraceKind]: (e: Extract<TraceEvent, { kind: K }>) => string };

const list = (items: readonly string[], max = 3) =>
  items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} +${items.length - max}`;
const sender = (address: string) => (address === '' ? '<>' : address);

const SUMMARIES: Summaries = {
  'session.opened': (e) =>
    `${e.data.protocol} session ${e.data.sessionId} from ${e.data.remoteAddress}:${e.data.remotePort}`,
  'session.closed': (e) => `${e.data.protocol} session ${e.data.sessionId} closed (${e.data.reason})`,
  'tls.started': (e) => `TLS on ${e.data.sessionId}${e.data.cipher ? ` (${e.data.cipher})` : ''}`,
  'smtp.command': (e) => `C: ${e.data.verb}${e.data.args ? ` ${e.data.args}` : ''}`,
  'smtp.reply': (e) => `S: ${e.data.code}${e.data.enhanced ? ` ${e.data.enhanced}` : ''} ${e.data.text}`,
  'auth.succeeded': (e) => `${e.data.user} signed in (${e.data.mechanism})`,
  'auth.failed': (e) => `sign-in failed for ${e.data.user}: ${e.data.reason}`,
  'directory.bound': (e) => `LDAP bind ${e.data.ok ? 'ok' : 'refused'}: ${e.data.dn} (${e.data.purpose})`,
  'directory.searched': (e) => `LDAP search ${e.data.filter} → ${e.data.entries} (${e.data.purpose})`,
  'message.accepted': (e) => `accepted ${e.data.queueId} from ${sender(e.data.sender)} to ${list(e.data.recipients)}`,
  'message.queued': (e) => `queued ${e.data.queueId} (${e.data.source}, ${e.data.sizeBytes} bytes)`,
  'verdict.given': (e) =>
    `verdict: ${e.data.spam}, ${e.data.virus}, score ${e.data.score}${e.data.action ? ` → ${e.data.action}` : ''}`,
  'dkim.signed': (e) => `DKIM-signed for ${e.data.domain} (selector ${e.data.selector})`,
  'route.resolved': (e) =>
    `route ${e.data.recipient} → ${e.data.route}${e.data.host ? ` ${e.data.host}` : ''} (${e.data.reason})`,
  'recipient.expanded': (e) => `${e.data.recipient} expands to ${list(e.data.into)} (${e.data.reason})`,
  'delivery.attempted': (e) =>
    `attempt ${e.data.attempt} to ${e.data.mx ?? e.data.host} for ${list(e.data.recipients)} via ${e.data.channel}`,
  'dns.answered': (e) => `DNS ${e.data.type} ${e.data.name} → ${e.data.rcode} ${list(e.data.answers)}`,
  'imap.command': (e) => `IMAP ${e.data.tag} ${e.data.command}${e.data.status ? ` → ${e.data.status}` : ''}`,
  'mailbox.fetched': (e) => `${e.data.user} fetched ${e.data.messages} from ${e.data.folder} (${e.data.protocol})`,
  'delivery.succeeded': (e) => `delivered to ${e.data.recipient} at ${e.data.host}: ${e.data.code}`,
  'delivery.deferred': (e) => `deferred ${e.data.recipient} (attempt ${e.data.attempt}): ${e.data.text}`,
  'delivery.failed': (e) => `failed ${e.data.recipient}: ${e.data.code ?? ''} ${e.data.text}`,
  'delivery.hopFailed': (e) => `${e.data.host} could not take it: ${e.data.reason}`,
  'message.dequeued': (e) => `${e.data.queueId} left the queue (${e.data.outcome})`,
  'message.held': (e) => `${e.data.queueId} held: ${e.data.reason}`,
  'message.released': (e) => `${e.data.queueId} released`,
  'dsn.generated': (e) => `DSN (${e.data.action}) ${e.data.dsnQueueId} for ${list(e.data.recipients)}`,
  'mailbox.stored': (e) =>
    `stored in ${e.data.address} ${e.data.folder} uid ${e.data.uid}${e.data.duplicate ? ' (duplicate)' : ''}`,
  'mmp.authenticated': (e) => `MMP: ${e.data.user} → store ${e.data.mailHost}`,
  'mmp.failed': (e) => `MMP refused ${e.data.user}: ${e.data.reason}`,
  'mmp.proxied': (e) => `MMP relays ${e.data.user} to ${e.data.backend}:${e.data.backendPort}`,
  'clock.changed': (e) => `clock: ${e.data.mode}`,
  'fault.injected': (e) => `fault on: ${e.data.effect}`,
  'fault.cleared': (e) => `fault off: ${e.data.faultId}${e.data.target ? ` (${e.data.target})` : ''}`,
  'fault.applied': (e) => `fault acted: ${e.data.effect}`,
  'world.started': (e) => `world ${e.data.name} started`,
  'world.stopped': (e) => `world ${e.data.name} stopped`,
};

/** Every kind this renderer knows, for the filter's choices. */
export const KNOWN_KINDS = Object.keys(SUMMARIES).sort() as TraceKind[];

export function summarize(e: TraceEvent): string {
  const line = SUMMARIES[e.kind] as ((e: TraceEvent) => string) | undefined;
  // A kind newer than this renderer: still shown, just plainly.
  return line ? line(e) : JSON.stringify(e.data).slice(0, 200);
}

export function formatWorldTime(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => n.toString().padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
