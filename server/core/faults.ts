import type { Tracer } from './tracer.js';
import { randomId } from './ids.js';

/**
 * Fault switches (principle 5: faults are injected, never faked). An instructor turns
 * one on through the control API; the parts of the world consult the switches at the
 * moment it matters — an SMTP client about to connect, an SMTP server about to reply,
 * the DNS server about to answer — and really behave that way. Each switch is traced
 * when it is turned on or off, and each time it changes what happened.
 */

/** SMTP moments a `reply` fault can answer at: the greeting, a command verb, or the end of DATA. */
export type FaultCommand = 'CONNECT' | 'EHLO' | 'HELO' | 'MAIL' | 'RCPT' | 'DATA' | 'DOT' | 'STARTTLS';

export type FaultSpec =
  /** The host refuses connections (every service it has: SMTP, LMTP, IMAP, POP3). */
  | { kind: 'down'; target: string }
  /** Every reply of the host's SMTP server comes this late. */
  | { kind: 'slow'; target: string; delayMs: number }
  /** The host's SMTP server answers this command (or the greeting, or end of data) with this reply. */
  | { kind: 'reply'; target: string; command: FaultCommand; code: number; enhanced?: string; text?: string }
  /** The DNS server answers every query for this name (and the names under it) with this rcode. */
  | { kind: 'dns'; target: string; rcode: 'NXDOMAIN' | 'SERVFAIL' }
  /** The user's mailUserStatus in the directory (restored when the fault is cleared). */
  | { kind: 'user'; target: string; status: 'inactive' | 'disabled' | 'removed' | 'hold' | 'overquota' };

export type FaultKind = FaultSpec['kind'];

export type Fault = FaultSpec & { id: string; createdAt: number };

type FaultListener = (change: { fault: Fault; active: boolean }) => void;

/**
 * The switches as a host consults them at the moment it matters. The world's own
 * FaultSwitches is one; a host thread keeps a FaultMirror of it.
 */
export abstract class FaultView {
  constructor(protected readonly tracer: Tracer) {}

  /** The switches that are on now. */
  protected abstract active(): Iterable<Fault>;

  list(): Fault[] {
    return [...this.active()];
  }

  /** The first active fault of this kind whose target is the host, or a domain the host is in. */
  forHost<K extends FaultKind>(kind: K, host: string): Extract<Fault, { kind: K }> | undefined {
    const name = host.toLowerCase();
    for (const fault of this.active()) {
      if (fault.kind === kind && coversName(fault.target, name)) return fault as Extract<Fault, { kind: K }>;
    }
    return undefined;
  }

  /** A `reply` fault for this host and SMTP moment. */
  replyFor(host: string, command: FaultCommand): Extract<Fault, { kind: 'reply' }> | undefined {
    const name = host.toLowerCase();
    for (const fault of this.active()) {
      if (fault.kind === 'reply' && fault.command === command && coversName(fault.target, name)) return fault;
    }
    return undefined;
  }

  /** Record that a switch changed what really happened (a refused connection, a forced reply). */
  applied(fault: Fault, node: string, effect: string, trace?: { traceId?: string; spanId?: string }): void {
    this.tracer.emit({
      kind: 'fault.applied',
      node,
      traceId: trace?.traceId,
      spanId: trace?.spanId,
      data: { faultId: fault.id, target: fault.target, kind: fault.kind, effect },
    });
  }
}

export class FaultSwitches extends FaultView {
  private readonly faults = new Map<string, Fault>();
  private readonly listeners = new Set<FaultListener>();

  constructor(private readonly opts: { tracer: Tracer; node: string; now: () => number }) {
    super(opts.tracer);
  }

  add(spec: FaultSpec): Fault {
    const fault = { ...spec, target: spec.target.toLowerCase(), id: randomId('flt', 8), createdAt: this.opts.now() };
    this.faults.set(fault.id, fault as Fault);
    this.tracer.emit({
      kind: 'fault.injected',
      node: this.opts.node,
      data: { faultId: fault.id, target: fault.target, kind: fault.kind, effect: describeFault(fault as Fault) },
    });
    for (const listener of this.listeners) listener({ fault: fault as Fault, active: true });
    return fault as Fault;
  }

  remove(id: string): boolean {
    const fault = this.faults.get(id);
    if (!fault) return false;
    this.faults.delete(id);
    this.tracer.emit({
      kind: 'fault.cleared',
      node: this.opts.node,
      data: { faultId: id, target: fault.target, kind: fault.kind },
    });
    for (const listener of this.listeners) listener({ fault, active: false });
    return true;
  }

  /**
   * The world is stopping: switches are not kept across a restart, so the trace says
   * each is off (without acting on it: the listeners are closing anyway).
   */
  announceAllCleared(): void {
    for (const fault of this.faults.values()) {
      this.tracer.emit({
        kind: 'fault.cleared',
        node: this.opts.node,
        data: { faultId: fault.id, target: fault.target, kind: fault.kind },
      });
    }
    this.faults.clear();
  }

  onChange(listener: FaultListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected active(): Iterable<Fault> {
    return this.faults.values();
  }
}

/** A host thread's view of the world's switches: whatever `current` says they are now. */
export class FaultMirror extends FaultView {
  constructor(
    tracer: Tracer,
    private readonly current: () => readonly Fault[],
  ) {
    super(tracer);
  }

  protected active(): Iterable<Fault> {
    return this.current();
  }
}

/** `example.com` covers `example.com` and `mx1.example.com`; a host name covers itself. */
export function coversName(target: string, name: string): boolean {
  const t = target.replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  return n === t || n.endsWith(`.${t}`);
}

export function describeFault(fault: FaultSpec): string {
  switch (fault.kind) {
    case 'down':
      return `${fault.target} is down: connections are refused`;
    case 'slow':
      return `${fault.target} answers every command ${fault.delayMs} ms late`;
    case 'reply':
      return `${fault.target} answers ${fault.command} with ${fault.code}${fault.enhanced ? ` ${fault.enhanced}` : ''}`;
    case 'dns':
      return `DNS answers ${fault.rcode} for ${fault.target}`;
    case 'user':
      return `${fault.target} has mailUserStatus ${fault.status}`;
  }
}
