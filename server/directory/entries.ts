import type { GroupSpec, UserSpec, WorldSpec } from '../api/world-spec.js';
import { escapeDnValue, normalizeDn, normalizeRdns, parseDn } from './dn.js';
import { hashSsha } from './password-hash.js';
import type { DirectoryEntry, ServiceCredentials } from './types.js';

/**
 * The directory tree of a world, as data, in the layout of Sun Java System
 * Messaging Server's schema: people, groups, a domain tree and a service account
 * under one suffix. Parents always come before their children.
 */

/** Object classes of a mail user, Sun schema names. */
export const PERSON_OBJECT_CLASSES = [
  'top',
  'person',
  'organizationalPerson',
  'inetOrgPerson',
  'inetUser',
  'inetMailUser',
  'ipUser',
];
export const GROUP_OBJECT_CLASSES = ['top', 'groupOfUniqueNames', 'inetMailGroup'];
export const DOMAIN_OBJECT_CLASSES = ['top', 'domain', 'inetDomain', 'mailDomain'];

export function buildDirectoryEntries(spec: WorldSpec, service: ServiceCredentials): DirectoryEntry[] {
  const base = spec.site.baseDn;
  const people = `ou=People,${base}`;
  const entries: DirectoryEntry[] = [
    suffixEntry(base),
    unitEntry('People', base),
    unitEntry('Groups', base),
    unitEntry('Domains', base),
    unitEntry('Services', base),
  ];
  const personDnByAddress = new Map<string, string>();
  for (const user of spec.users) {
    const entry = personEntry(user, people);
    entries.push(entry);
    for (const address of [user.mail, ...(user.alternateAddresses ?? [])]) {
      personDnByAddress.set(address.toLowerCase(), entry.dn);
    }
  }
  for (const group of spec.groups) entries.push(groupEntry(group, `ou=Groups,${base}`, personDnByAddress));
  for (const domain of spec.site.domains) {
    entries.push(domainEntry(domain.name, domain.host, `ou=Domains,${base}`));
  }
  entries.push(serviceEntry(service, base));
  return entries;
}

function suffixEntry(base: string): DirectoryEntry {
  const first = parseDn(base)[0]?.[0];
  if (!first) throw new Error('the world spec needs a site.baseDn such as o=siroe.example');
  const type = first.type.toLowerCase();
  const objectClass = type === 'dc' ? ['top', 'domain'] : ['top', 'organization'];
  return { dn: base, attributes: { objectClass, [type]: [first.value] } };
}

function unitEntry(name: string, base: string): DirectoryEntry {
  return { dn: `ou=${name},${base}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: [name] } };
}

function personEntry(user: UserSpec, parent: string): DirectoryEntry {
  const words = user.cn.trim().split(/\s+/);
  const attributes: Record<string, string[]> = {
    objectClass: [...PERSON_OBJECT_CLASSES],
    uid: [user.uid],
    cn: [user.cn],
    sn: [words[words.length - 1] ?? user.cn],
  };
  if (words.length > 1) attributes.givenName = [words.slice(0, -1).join(' ')];
  attributes.mail = [user.mail];
  setIfAny(attributes, 'mailAlternateAddress', user.alternateAddresses);
  attributes.mailHost = [user.mailHost];
  attributes.mailDeliveryOption = user.deliveryOptions?.length ? [...user.deliveryOptions] : ['mailbox'];
  setIfAny(attributes, 'mailForwardingAddress', user.forwardingAddresses);
  attributes.mailUserStatus = [user.status ?? 'active'];
  attributes.inetUserStatus = ['active'];
  attributes.userPassword = [hashSsha(user.password ?? user.uid)];
  return { dn: `uid=${escapeDnValue(user.uid)},${parent}`, attributes };
}

function groupEntry(group: GroupSpec, parent: string, personDnByAddress: Map<string, string>): DirectoryEntry {
  const attributes: Record<string, string[]> = {
    objectClass: [...GROUP_OBJECT_CLASSES],
    cn: [group.cn],
    mail: [group.mail],
  };
  // uniqueMember names only the members that are entries here; outside addresses
  // (and everyone, for expansion) are in mgrpRFC822MailMember.
  const memberDns = group.members.flatMap((m) => personDnByAddress.get(m.toLowerCase()) ?? []);
  setIfAny(attributes, 'uniqueMember', memberDns);
  setIfAny(attributes, 'mgrpRFC822MailMember', group.members);
  return { dn: `cn=${escapeDnValue(group.cn)},${parent}`, attributes };
}

function domainEntry(name: string, routingHost: string, parent: string): DirectoryEntry {
  return {
    dn: `dc=${escapeDnValue(name)},${parent}`,
    attributes: {
      objectClass: [...DOMAIN_OBJECT_CLASSES],
      dc: [name],
      associatedDomain: [name],
      mailRoutingHost: [routingHost],
      inetDomainStatus: ['active'],
    },
  };
}

function serviceEntry(service: ServiceCredentials, base: string): DirectoryEntry {
  const rdns = parseDn(service.dn);
  if (rdns.length < 2 || normalizeRdns(rdns.slice(1)) !== normalizeDn(`ou=Services,${base}`)) {
    throw new Error(`the service account ${service.dn} must live under ou=Services,${base}`);
  }
  const first = rdns[0]![0]!;
  return {
    dn: service.dn,
    attributes: {
      objectClass: ['top', 'account', 'simpleSecurityObject'],
      [first.type]: [first.value],
      userPassword: [hashSsha(service.password)],
    },
  };
}

function setIfAny(attributes: Record<string, string[]>, name: string, values: string[] | undefined): void {
  if (values && values.length > 0) attributes[name] = [...values];
}
