import { isIPv4, isIPv6 } from 'node:net';
import type { DnsRecordSpec, DnsRecordType } from '../api/world-spec.js';
import { canonicalName, isInZone, nameToLabels } from './names.js';
import { RRClass, RRType, type RecordData, type ResourceRecord } from './types.js';

/**
 * World-spec records to resource records. Owner names are relative to the zone's
 * origin as in a master file ('@' is the origin, a trailing dot makes a name absolute);
 * a name already ending in the origin is taken as absolute too, because spec authors
 * write "mx1.example.com" as often as "mx1". Values are always absolute names.
 */
export const DEFAULT_TTL_SECONDS = 300;

export function ownerName(name: string, origin: string): string {
  const o = canonicalName(origin);
  if (name === '@') return o;
  if (name.endsWith('.')) return canonicalName(name);
  const n = canonicalName(name);
  return n === o || n.endsWith(`.${o}`) ? n : `${n}.${o}`;
}

export function recordFromSpec(spec: DnsRecordSpec, origin: string, defaultTtlSeconds: number): ResourceRecord {
  const name = ownerName(spec.name, origin);
  if (!isInZone(name, origin)) throw new Error(`dns zone ${origin}: ${spec.name} is outside the zone`);
  checkName(name, `dns zone ${origin}: owner ${spec.name}`);
  const data = dataFromValue(spec.type, spec.value, spec.priority, `dns zone ${origin}: ${spec.name} ${spec.type}`);
  return { name, type: RRType[spec.type], class: RRClass.IN, ttl: spec.ttl ?? defaultTtlSeconds, data };
}

/** One value in spec form ("127.0.0.1", "mx1.example.com", "v=spf1 -all") to RDATA. */
export function dataFromValue(
  type: DnsRecordType,
  value: string,
  priority: number | undefined,
  where: string,
): RecordData {
  switch (type) {
    case 'A':
      if (!isIPv4(value)) throw new Error(`${where}: ${value} is not an IPv4 address`);
      return { kind: 'A', address: value };
    case 'AAAA':
      if (!isIPv6(value)) throw new Error(`${where}: ${value} is not an IPv6 address`);
      return { kind: 'AAAA', address: value.toLowerCase() };
    case 'MX':
      return { kind: 'MX', preference: priority ?? 10, exchange: checkName(canonicalName(value), where) };
    case 'TXT':
      // One spec value is one TXT record; the codec splits it into 255-byte character-strings.
      return { kind: 'TXT', texts: [value] };
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return { kind: type, target: checkName(canonicalName(value), where) };
  }
}

function checkName(name: string, where: string): string {
  try {
    nameToLabels(name);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
  }
  return name;
}
