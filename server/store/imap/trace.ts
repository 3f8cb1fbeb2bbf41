import type { TraceInput, TracePayloads } from '../../api/trace.js';
import type { Tracer } from '../../core/tracer.js';
import { commandLabel, describeArgs } from './command-text.js';
import type { ImapCommand } from './syntax/types.js';

type ImapEventKind =
  | 'session.opened'
  | 'session.closed'
  | 'tls.started'
  | 'auth.succeeded'
  | 'auth.failed'
  | 'imap.command'
  | 'mailbox.fetched';

export type CommandStatus = 'OK' | 'NO' | 'BAD';

/** Commands a client sends once per message or on a timer: traced by sample (see CommandSampler). */
const SUMMARISED = new Set(['FETCH', 'UID FETCH', 'STORE', 'UID STORE', 'SEARCH', 'UID SEARCH', 'NOOP']);
/** Of each summarised command, the 1st, the 101st, the 201st … of a session is traced. */
const SAMPLE_EVERY = 100;

/**
 * Which `imap.command` events to emit. A client that syncs 10,000 messages one FETCH
 * at a time (or a benchmark) would otherwise put 10,000 events on the diagram; one in
 * a hundred still shows that it happens and how it is spelled. Counting, rather than
 * "one per second of world clock", keeps the trace the same under a stepped clock and
 * in replays. Failures are always traced: they are rare and they are the story.
 */
export class CommandSampler {
  private readonly counts = new Map<string, number>();

  shouldTrace(label: string, status: CommandStatus): boolean {
    if (!SUMMARISED.has(label) || status !== 'OK') return true;
    const n = (this.counts.get(label) ?? 0) + 1;
    this.counts.set(label, n);
    return n % SAMPLE_EVERY === 1;
  }
}

/**
 * The trace events of one IMAP session. When a trusted proxy (the MMP) said who it
 * is with ID, commands are drawn as arriving from it and fetched mail as going to it.
 */
export class ImapTrace {
  /** The diagram node of the proxy in front of this session, from its ID (see commands/id.ts). */
  peerNode?: string;
  private readonly sampler = new CommandSampler();

  constructor(
    private readonly tracer: Tracer,
    private readonly node: string,
    readonly sessionId: string,
  ) {}

  opened(remoteAddress: string, remotePort: number, localPort: number): void {
    const { sessionId } = this;
    this.emit('session.opened', { sessionId, protocol: 'imap', remoteAddress, remotePort, localPort });
  }

  closed(reason: string): void {
    this.emit('session.closed', { sessionId: this.sessionId, protocol: 'imap', reason });
  }

  tlsStarted(cipher: string | undefined): void {
    const data = { sessionId: this.sessionId, protocol: 'imap' as const };
    this.emit('tls.started', cipher ? { ...data, cipher } : data);
  }

  authSucceeded(mechanism: string, user: string): void {
    this.emit('auth.succeeded', { sessionId: this.sessionId, protocol: 'imap', mechanism, user });
  }

  authFailed(mechanism: string, user: string, reason: string): void {
    this.emit('auth.failed', { sessionId: this.sessionId, protocol: 'imap', mechanism, user, reason });
  }

  /** After the tagged reply was written; sampled (see CommandSampler). */
  command(cmd: ImapCommand, status: CommandStatus, user: string | undefined): void {
    const command = commandLabel(cmd);
    if (!this.sampler.shouldTrace(command, status)) return;
    const data = { sessionId: this.sessionId, tag: cmd.tag, command, args: describeArgs(cmd), status };
    const link = this.peerNode ? { from: this.peerNode, to: this.node } : {};
    this.emit('imap.command', user ? { ...data, user } : data, link);
  }

  /** Message data left the store: store → proxy (→ client). */
  fetched(user: string, folder: string, messages: number, sizeBytes: number): void {
    const data = { sessionId: this.sessionId, protocol: 'imap' as const, user, folder, messages, sizeBytes };
    this.emit('mailbox.fetched', data, this.peerNode ? { from: this.node, to: this.peerNode } : {});
  }

  private emit<K extends ImapEventKind>(
    kind: K,
    data: TracePayloads[K],
    link: { from?: string; to?: string } = {},
  ): void {
    this.tracer.emit({ kind, node: this.node, ...link, data } as TraceInput<K>);
  }
}
