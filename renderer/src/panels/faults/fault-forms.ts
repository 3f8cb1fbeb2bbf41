/** Pure parts of the Faults & clock panel: targets per fault kind, building a fault, clock steps. */
import type { WorldView } from '../../../../server/api/world-view.js';
import type { LabFaultSpec } from '../../api/client.js';

export type FaultKind = LabFaultSpec['kind'];
export const FAULT_KINDS: readonly FaultKind[] = ['down', 'slow', 'reply', 'dns', 'user'];

export const FAULT_HELP: Record<FaultKind, string> = {
  down: 'the host refuses every connection',
  slow: 'every SMTP reply of the host comes late',
  reply: 'the host answers one SMTP command with a reply you choose',
  dns: 'the DNS server answers every query for the name with an error',
  user: "the user's mailUserStatus in the directory changes",
};

export const REPLY_COMMANDS = ['CONNECT', 'EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'DOT', 'STARTTLS'] as const;
export const USER_STATUSES = ['inactive', 'disabled', 'removed', 'hold', 'overquota'] as const;
export const DNS_RCODES = ['NXDOMAIN', 'SERVFAIL'] as const;

/** What each kind can be aimed at in this world (the server refuses anything else with 422). */
export function faultTargets(
  kind: FaultKind,
  world: WorldView | undefined,
  users: readonly string[],
  zones: readonly string[],
): string[] {
  const hosts = world?.hosts ?? [];
  switch (kind) {
    case 'down':
      return hosts.filter((h) => h.role !== 'web' && h.services.length > 0).map((h) => h.name);
    case 'slow':
    case 'reply':
      return hosts.filter((h) => h.services.some((s) => s.protocol === 'smtp')).map((h) => h.name);
    case 'dns':
      return [...new Set([...zones, ...hosts.map((h) => h.name)])].sort();
    case 'user':
      return [...users];
  }
}

export interface FaultParams {
  delayMs: number;
  command: (typeof REPLY_COMMANDS)[number];
  code: number;
  enhanced: string;
  text: string;
  rcode: (typeof DNS_RCODES)[number];
  status: (typeof USER_STATUSES)[number];
}

export const DEFAULT_PARAMS: FaultParams = {
  delayMs: 5000,
  command: 'RCPT',
  code: 451,
  enhanced: '4.3.0',
  text: 'Try again later (fault switch)',
  rcode: 'SERVFAIL',
  status: 'inactive',
};

export function buildFault(kind: FaultKind, target: string, p: FaultParams): LabFaultSpec {
  switch (kind) {
    case 'down':
      return { kind, target };
    case 'slow':
      return { kind, target, delayMs: p.delayMs };
    case 'reply': {
      // The enhanced code must agree with the reply's class (4xx ↔ 4.x.x); drop it if not.
      const enhanced = p.enhanced && p.enhanced[0] === String(p.code)[0] ? p.enhanced : undefined;
      return { kind, target, command: p.command, code: p.code, enhanced, text: p.text || undefined };
    }
    case 'dns':
      return { kind, target, rcode: p.rcode };
    case 'user':
      return { kind, target, status: p.status };
  }
}

export const CLOCK_MODES: ReadonlyArray<{ mode: string; label: string }> = [
  { mode: 'real', label: 'real time' },
  { mode: 'scaled:60', label: 'scaled ×60' },
  { mode: 'scaled:600', label: 'scaled ×600' },
  { mode: 'stepped', label: 'stepped' },
];

const MINUTE_MS = 60_000;
export const CLOCK_STEPS: ReadonlyArray<{ label: string; advanceMs: number }> = [
  { label: '+1 min', advanceMs: MINUTE_MS },
  { label: '+30 min', advanceMs: 30 * MINUTE_MS },
  { label: '+4 h', advanceMs: 4 * 60 * MINUTE_MS },
  { label: '+1 day', advanceMs: 24 * 60 * MINUTE_MS },
];

/**
 * One "step" of the stepped clock: up to the earliest next attempt still ahead (so one
 * press plays one retry), or one minute when nothing waits.
 */
export function nextStepMs(
  nextAttempts: Iterable<number | undefined>,
  nowMs: number,
): { advanceMs: number; reason: string } {
  let earliest: number | undefined;
  for (const at of nextAttempts) {
    if (at !== undefined && at > nowMs && (earliest === undefined || at < earliest)) earliest = at;
  }
  if (earliest === undefined) return { advanceMs: MINUTE_MS, reason: '+1 min' };
  return { advanceMs: Math.ceil(earliest - nowMs), reason: 'to the next retry' };
}
