import { z } from 'zod';
import type { WorldSpec } from '../api/world-spec.js';

/**
 * Validation of world spec files. The schema mirrors server/api/world-spec.ts; the
 * cross-checks below catch what a schema cannot (a user whose mailHost is no store,
 * two services on one port) and say which entry is wrong.
 */
const hostName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i, 'a dotted host name');
const address = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'an address like user@domain');
const port = z.number().int().min(0).max(65535);

const serviceSchema = z.object({
  protocol: z.enum(['smtp', 'submission', 'lmtp', 'imap', 'pop3', 'ldap', 'dns', 'http']),
  port,
});

const hostSchema = z.object({
  name: hostName,
  role: z.enum(['mta', 'store', 'directory', 'dns', 'mmp', 'web', 'lan-mta', 'smarthost', 'internet-mta']),
  label: z.string().optional(),
  services: z.array(serviceSchema),
});

const userSchema = z.object({
  uid: z.string().regex(/^[a-z0-9._-]+$/i, 'letters, digits, dot, dash or underscore'),
  cn: z.string().min(1),
  mail: address,
  password: z.string().min(1).optional(),
  alternateAddresses: z.array(address).optional(),
  mailHost: hostName,
  deliveryOptions: z.array(z.enum(['mailbox', 'forward'])).optional(),
  forwardingAddresses: z.array(address).optional(),
  status: z.enum(['active', 'inactive', 'disabled', 'removed', 'deleted', 'hold', 'overquota']).optional(),
});

const groupSchema = z.object({ cn: z.string().min(1), mail: address, members: z.array(address) });

const recordSchema = z.object({
  name: z.string().min(1),
  type: z.enum(['A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'NS']),
  value: z.string().min(1),
  priority: z.number().int().min(0).max(65535).optional(),
  ttl: z.number().int().min(0).optional(),
});

const settingsSchema = z.object({
  bindAddress: z.string().ip(),
  greetingDelayMs: z.number().int().min(0).max(60_000),
  reverseLookup: z.boolean(),
  maxMessageSizeBytes: z.number().int().min(1024),
  maxRecipients: z.number().int().min(1),
  retryScheduleMinutes: z.array(z.number().positive()).min(1),
  spamThreshold: z.number(),
  verdict: z
    .object({
      spamAction: z.enum(['tag', 'junk', 'hold', 'reject']).default('junk'),
      virusAction: z.enum(['hold', 'reject']).default('hold'),
      authFailAction: z.enum(['deliver', 'tag', 'junk', 'hold', 'reject']).default('junk'),
      spamd: z.object({ host: z.string().min(1), port }).optional(),
    })
    .default({}),
  delayWarningMinutes: z.array(z.number().positive()).default([240]),
  dkimSelector: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/i, 'letters, digits and dashes')
    .default('lab'),
});

export const worldSpecSchema = z
  .object({
    name: z.string().min(1),
    site: z.object({
      domain: hostName,
      baseDn: z.string().min(3),
      domains: z.array(z.object({ name: hostName, host: hostName })).min(1),
    }),
    hosts: z.array(hostSchema).min(1),
    users: z.array(userSchema),
    groups: z.array(groupSchema).default([]),
    dns: z
      .object({ zones: z.array(z.object({ origin: hostName, records: z.array(recordSchema) })) })
      .default({ zones: [] }),
    internet: z.object({ mailboxes: z.array(z.object({ address, host: hostName })) }).default({ mailboxes: [] }),
    settings: settingsSchema,
  })
  .strict();

export class WorldSpecError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid world spec:\n  - ${problems.join('\n  - ')}`);
    this.name = 'WorldSpecError';
  }
}

export function validateWorldSpec(input: unknown): WorldSpec {
  const parsed = worldSpecSchema.safeParse(input);
  if (!parsed.success) {
    throw new WorldSpecError(parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`));
  }
  const spec = parsed.data as WorldSpec;
  const problems = crossCheck(spec);
  if (problems.length > 0) throw new WorldSpecError(problems);
  return spec;
}

function crossCheck(spec: WorldSpec): string[] {
  const problems: string[] = [];
  const hosts = new Map(spec.hosts.map((h) => [h.name.toLowerCase(), h]));
  if (hosts.size !== spec.hosts.length) problems.push('hosts: two hosts share a name');
  const mailHolders = new Set(['store', 'lan-mta']);
  const usedPorts = new Map<string, string>();
  for (const host of spec.hosts) {
    for (const service of host.services) {
      if (service.port === 0) continue;
      // DNS listens on UDP and TCP with one number; everything else is TCP.
      const key = `${service.port}`;
      const other = usedPorts.get(key);
      if (other) problems.push(`hosts.${host.name}: port ${service.port} is already used by ${other}`);
      usedPorts.set(key, `${host.name} ${service.protocol}`);
    }
  }
  for (const host of spec.hosts) {
    if (host.role === 'store' && !host.services.some((s) => s.protocol === 'lmtp')) {
      problems.push(`hosts.${host.name}: a store needs an lmtp service (the MTA delivers through it)`);
    }
  }
  for (const role of ['mta', 'directory'] as const) {
    if (!spec.hosts.some((h) => h.role === role)) problems.push(`hosts: the world needs a host with role ${role}`);
  }
  for (const domain of spec.site.domains) {
    if (!hosts.has(domain.host.toLowerCase()))
      problems.push(`site.domains.${domain.name}: unknown host ${domain.host}`);
  }
  const addresses = new Set<string>();
  const claim = (addr: string, where: string) => {
    const key = addr.toLowerCase();
    if (addresses.has(key)) problems.push(`${where}: address ${addr} is used twice`);
    addresses.add(key);
  };
  for (const user of spec.users) {
    const host = hosts.get(user.mailHost.toLowerCase());
    if (!host || !mailHolders.has(host.role)) {
      problems.push(`users.${user.uid}: mailHost ${user.mailHost} is not a store or LAN messaging server`);
    }
    claim(user.mail, `users.${user.uid}`);
    for (const alt of user.alternateAddresses ?? []) claim(alt, `users.${user.uid}`);
    if (user.deliveryOptions?.includes('forward') && !user.forwardingAddresses?.length) {
      problems.push(`users.${user.uid}: deliveryOptions has forward but no forwardingAddresses`);
    }
  }
  for (const group of spec.groups) claim(group.mail, `groups.${group.cn}`);
  if (spec.settings.reverseLookup && !spec.hosts.some((h) => h.role === 'dns')) {
    // Reverse lookups go to the lab's own DNS, never the machine's resolver.
    problems.push('settings.reverseLookup: needs a host with role dns in this world');
  }
  for (const box of spec.internet.mailboxes) {
    if (!hosts.has(box.host.toLowerCase()))
      problems.push(`internet.mailboxes.${box.address}: unknown host ${box.host}`);
  }
  return problems;
}
