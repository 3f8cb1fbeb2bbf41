// Shared setup for the verdict tests: an in-memory LabResolver (the lab DNS stand-in),
// message builders and a judge helper with the lab's default settings.
import type { VerdictSettings } from '../../server/api/world-spec.js';
import { DnsLookupError, type LabResolver, type LookupContext, type MxRecord } from '../../server/dns/resolver.js';
import { createVerdictEngine } from '../../server/verdict/engine.js';
import type { VerdictInput, VerdictResult } from '../../server/verdict/types.js';

export interface FakeZoneEntry {
  TXT?: string[][];
  A?: string[];
  MX?: MxRecord[];
  PTR?: string[];
}

/** A LabResolver over a map of names; records every question with its purpose. */
export class FakeResolver implements LabResolver {
  readonly asked: Array<{ name: string; type: string; context: LookupContext }> = [];
  private readonly zone = new Map<string, FakeZoneEntry>();

  constructor(entries: Record<string, FakeZoneEntry> = {}) {
    for (const [name, entry] of Object.entries(entries)) this.set(name, entry);
  }

  set(name: string, entry: FakeZoneEntry): void {
    this.zone.set(name.toLowerCase(), { ...this.zone.get(name.toLowerCase()), ...entry });
  }

  private answer<K extends keyof FakeZoneEntry>(name: string, type: K, context: LookupContext) {
    this.asked.push({ name, type, context });
    const entry = this.zone.get(name.toLowerCase());
    if (!entry) throw new DnsLookupError('ENOTFOUND', name, type);
    const records = entry[type];
    if (!records || records.length === 0) throw new DnsLookupError('ENODATA', name, type);
    return records as NonNullable<FakeZoneEntry[K]>;
  }

  async resolveTxt(name: string, context: LookupContext) {
    return this.answer(name, 'TXT', context);
  }
  async resolveA(name: string, context: LookupContext) {
    return this.answer(name, 'A', context);
  }
  async resolveMx(name: string, context: LookupContext) {
    return this.answer(name, 'MX', context);
  }
  async reverse(address: string, context: LookupContext) {
    return this.answer(address, 'PTR', context);
  }
}

export const LAB_DEFAULTS: VerdictSettings = { spamAction: 'junk', virusAction: 'hold', authFailAction: 'junk' };
export const RECEIVED_AT = Date.UTC(2026, 10, 28, 12, 0, 0);

/** A well-formed message as a mail program writes it (Date, Message-ID, text part). */
export function cleanMessage(
  opts: { from?: string; subject?: string; body?: string; extraHeaders?: string[] } = {},
): Buffer {
  const lines = [
    `From: Erin <${opts.from ?? 'erin@example.com'}>`,
    'To: bob@siroe.example',
    `Subject: ${opts.subject ?? 'Lunch on Friday'}`,
    'Date: Sat, 28 Nov 2026 11:58:00 +0000',
    `Message-ID: <${Math.random().toString(36).slice(2)}@example.com>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    ...(opts.extraHeaders ?? []),
    '',
    opts.body ?? 'Shall we meet at noon at the usual place?\r\nErin',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export function judgeWith(
  raw: Buffer,
  opts: {
    settings?: Partial<VerdictSettings>;
    resolver?: LabResolver;
    threshold?: number;
    authTimeoutMs?: number;
    input?: Partial<VerdictInput>;
  } = {},
): Promise<VerdictResult> {
  const engine = createVerdictEngine({
    node: 'mta.siroe.example',
    settings: { ...LAB_DEFAULTS, ...opts.settings },
    spamThreshold: opts.threshold ?? 5,
    resolver: opts.resolver,
    authTimeoutMs: opts.authTimeoutMs ?? 5_000,
  });
  return engine.judge({ queueId: 'msg_test', raw, receivedAt: RECEIVED_AT, ...opts.input });
}

/** The value of the first field `name` among prepended fields, unfolded. */
export function field(fields: string[], name: string): string | undefined {
  const hit = fields.find((f) => f.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return hit
    ?.slice(name.length + 1)
    .replace(/\r\n[ \t]+/g, ' ')
    .trim();
}
