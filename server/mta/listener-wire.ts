import type { WorldSettings } from '../api/world-spec.js';
import type { Fault } from '../core/faults.js';
import { MailError, type MailErrorInit } from '../core/mail-error.js';
import type { ThreadListenRequest } from '../core/restarting-thread.js';
import type { TlsMaterial } from '../core/tls-cert.js';
import type { DirectoryClientOptions } from '../directory/client.js';
import { DnsLookupError, type DnsErrorCode, type LabResolver, type LookupContext } from '../dns/resolver.js';
import type { PreparedMessage, SessionFacts } from './accept-message.js';
import type { MtaListener } from './listener-hooks.js';

/**
 * What crosses between the site MTA's listener thread (listener-thread.ts) and the
 * main thread, where the queue, the world clock, the fault switches and the DNS
 * resolver live (start-mta-listeners.ts). Everything here is plain data; the clock
 * and the switches are shared memory, so the thread always reads them current.
 */

export interface ListenerThreadInit {
  node: string;
  settings: WorldSettings;
  siteDomains: Array<{ name: string; host: string }>;
  tls: TlsMaterial;
  /** The world clock's ClockState, kept current by the main thread (a SharedState buffer). */
  clock: SharedArrayBuffer;
  /** The SwitchesState, kept current by the main thread (a SharedState buffer). */
  switches: SharedArrayBuffer;
  /** The thread opens its own LDAP connection: its lookups are its own traffic. */
  directory: Omit<DirectoryClientOptions, 'tracer'>;
}

/** The fault switches, and how many times they have changed. */
export interface SwitchesState {
  faults: Fault[];
  /**
   * The main thread's resolver drops its cache whenever a switch changes (start-dns.ts),
   * so this count is the generation the thread's verdict cache keys on.
   */
  changes: number;
}

/** Main thread → listener thread. */
export interface ListenRequest extends ThreadListenRequest {
  listener: MtaListener;
}

/** Listener thread → main thread: queue this message. */
export interface CommitRequest {
  session: SessionFacts;
  prepared: PreparedMessage;
}

/** A refusal travels as its SMTP meaning, which is all the client is told; the cause stays behind. */
export type CommitAnswer = { queueId: string } | { refused: Omit<MailErrorInit, 'cause'> };

export function refusalOf(error: MailError): CommitAnswer {
  const { code, enhanced, publicText, component } = error;
  return { refused: { code, enhanced, publicText, component } };
}

export function commitOutcome(answer: CommitAnswer): { queueId: string } {
  if ('refused' in answer) throw new MailError(answer.refused);
  return answer;
}

/** Listener thread → main thread: one lookup of the lab's resolver. */
export interface ResolveRequest {
  method: keyof Omit<LabResolver, 'generation'>;
  name: string;
  context: LookupContext;
}

export type ResolveAnswer =
  { records: unknown } | { dnsError: { code: DnsErrorCode; hostname: string; rrtype: string } };

/** A lookup that failed the DNS way travels as its code; any other failure is the call's error. */
export function dnsErrorAnswer(err: unknown): ResolveAnswer {
  if (!(err instanceof DnsLookupError)) throw err;
  return { dnsError: { code: err.code, hostname: err.hostname, rrtype: err.rrtype } };
}

export function resolveOutcome<T>(answer: ResolveAnswer): T {
  if ('dnsError' in answer) {
    const { code, hostname, rrtype } = answer.dnsError;
    throw new DnsLookupError(code, hostname, rrtype);
  }
  return answer.records as T;
}
