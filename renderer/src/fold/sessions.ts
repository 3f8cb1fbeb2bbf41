/**
 * Sessions (one SMTP / LMTP / IMAP / POP3 connection each) and their transcripts, keyed
 * by node and session id: session ids are only unique per host ("lmtp1" on each store).
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import { mutable, type Batch, type Mutable } from './batch.js';
import type { NodeLive, SessionView, TranscriptDirection } from './types.js';

export function sessionKey(node: string, sessionId: string): string {
  return `${node} ${sessionId}`;
}

export function touchNode(b: Batch, node: string, at: number): Mutable<NodeLive> {
  let live = b.nodes.edit(node);
  if (live === undefined) {
    live = { openSessions: 0, storedCount: 0, eventCount: 0, lastEventAt: at };
    b.nodes.set(node, live);
  }
  const draft = mutable(live);
  draft.eventCount += 1;
  draft.lastEventAt = at;
  return draft;
}

function session(b: Batch, e: TraceEvent, sessionId: string, protocol: string): Mutable<SessionView> {
  const key = sessionKey(e.node, sessionId);
  let s = b.sessions.edit(key);
  if (s === undefined) {
    s = { key, sessionId, node: e.node, protocol, open: false, lines: [] };
    b.sessions.set(key, s);
  }
  return mutable(s);
}

function addLine(b: Batch, s: Mutable<SessionView>, e: TraceEvent, direction: TranscriptDirection, text: string): void {
  const lines = s.lines as Array<SessionView['lines'][number]>;
  lines.push({ seq: e.seq, at: e.at, direction, text });
  if (lines.length > b.limits.linesPerSession) lines.splice(0, lines.length - b.limits.linesPerSession);
}

/** Folds the session side of one event; returns true if it was a session event. */
export function applySessionEvent(b: Batch, e: TraceEvent, node: Mutable<NodeLive>): boolean {
  switch (e.kind) {
    case 'session.opened': {
      const s = session(b, e, e.data.sessionId, e.data.protocol);
      if (!s.open) node.openSessions += 1;
      Object.assign(s, { open: true, openedAt: e.at, protocol: e.data.protocol });
      return true;
    }
    case 'session.closed': {
      const s = b.sessions.get(sessionKey(e.node, e.data.sessionId));
      // A close without its open (history cut short) must not drive the count negative.
      if (s?.open) {
        mutable(b.sessions.edit(s.key)!).open = false;
        node.openSessions = Math.max(0, node.openSessions - 1);
      }
      return true;
    }
    case 'smtp.command': {
      const text = e.data.args ? `${e.data.verb} ${e.data.args}` : e.data.verb;
      addLine(b, session(b, e, e.data.sessionId, e.data.protocol), e, 'client', text);
      return true;
    }
    case 'smtp.reply': {
      const text = `${e.data.code}${e.data.enhanced ? ` ${e.data.enhanced}` : ''} ${e.data.text}`;
      addLine(b, session(b, e, e.data.sessionId, e.data.protocol), e, 'server', text);
      return true;
    }
    case 'imap.command': {
      const s = session(b, e, e.data.sessionId, 'imap');
      addLine(b, s, e, 'client', `${e.data.tag} ${e.data.command}${e.data.args ? ` ${e.data.args}` : ''}`);
      if (e.data.status) addLine(b, s, e, 'server', `${e.data.tag} ${e.data.status}`);
      if (e.data.user) s.user = e.data.user;
      return true;
    }
    case 'auth.succeeded':
    case 'mmp.authenticated':
      session(b, e, e.data.sessionId, e.data.protocol).user = e.data.user;
      return true;
    default:
      return false;
  }
}

/** Keeps at most `limit` sessions: closed ones go first, oldest first. */
export function evictSessions(b: Batch, limit: number): void {
  let excess = b.sessions.size - limit;
  if (excess <= 0) return;
  for (const [key, s] of [...b.sessions.entries()]) {
    if (excess <= 0) break;
    if (!s.open) {
      b.sessions.delete(key);
      excess -= 1;
    }
  }
  for (const key of [...b.sessions.keys()].slice(0, Math.max(0, excess))) b.sessions.delete(key);
}
