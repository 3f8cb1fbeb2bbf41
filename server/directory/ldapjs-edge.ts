import type { Socket, Server as NetServer } from 'node:net';
import ldapjs from 'ldapjs';
import type { FilterNode } from './filter.js';
import type { SearchScope } from './tree.js';

/**
 * The only place that knows ldapjs 3's shapes. @types/ldapjs describes v2, so the
 * few objects we touch are typed here, narrowly, and everything past this file
 * works on our own types (FilterNode, SearchInput, ...).
 */

export interface LdapjsDn {
  toString(): string;
}

/** A parsed filter as ldapjs 3 (@ldapjs/filter) hands it over. */
export interface LdapjsFilter {
  readonly type: string;
  readonly attribute?: string;
  readonly value?: unknown;
  readonly initial?: string;
  readonly any?: string[];
  readonly final?: string;
  readonly clauses: LdapjsFilter[];
  toString(): string;
}

interface LdapjsRequest {
  readonly connection: Socket;
  readonly messageId: number;
}

export interface LdapjsSearchRequest extends LdapjsRequest {
  readonly baseObject: LdapjsDn;
  readonly scope: number;
  readonly filter: LdapjsFilter;
  readonly attributes: string[];
  readonly sizeLimit: number;
  readonly typesOnly: boolean;
}

export interface LdapjsBindRequest extends LdapjsRequest {
  readonly name: string | LdapjsDn;
  readonly credentials: unknown;
  readonly version: number;
}

/** A ModifyRequest as ldapjs 3 (@ldapjs/messages, @ldapjs/change) hands it over. */
export interface LdapjsModifyRequest extends LdapjsRequest {
  readonly object: LdapjsDn | string;
  readonly changes: Array<{
    readonly operation: string;
    readonly modification: { readonly type: string; readonly values: unknown[] };
  }>;
}

export interface LdapjsResponse {
  matchedDN: string;
  diagnosticMessage: string;
  end(status?: number): void;
}

export type LdapjsHandler<R> = (req: R, res: LdapjsResponse, next: () => void) => void;

export interface LdapjsServer {
  readonly server: NetServer;
  maxConnections: number;
  newConnection(socket: Socket): void;
  search(base: string, handler: LdapjsHandler<LdapjsSearchRequest>): void;
  bind(base: string, handler: LdapjsHandler<LdapjsBindRequest>): void;
  add(base: string, handler: LdapjsHandler<LdapjsRequest>): void;
  modify(base: string, handler: LdapjsHandler<LdapjsModifyRequest>): void;
  del(base: string, handler: LdapjsHandler<LdapjsRequest>): void;
  modifyDN(base: string, handler: LdapjsHandler<LdapjsRequest>): void;
  compare(base: string, handler: LdapjsHandler<LdapjsRequest>): void;
  on(event: 'error' | 'clientError', listener: (err: Error) => void): void;
}

/** `connectionRouter` lets us see each socket before ldapjs does (limits, bookkeeping). */
export function createLdapjsServer(connectionRouter: (socket: Socket) => void): LdapjsServer {
  const create = (ldapjs as unknown as { createServer(options: object): LdapjsServer }).createServer;
  return create({ connectionRouter });
}

export function scopeName(scope: number): SearchScope {
  if (scope === 0) return 'base';
  if (scope === 1) return 'one';
  return 'sub';
}

/** Deeper nesting than this is Undefined: no real client needs it, a hostile one could exhaust the stack. */
const MAX_FILTER_DEPTH = 32;

export function toFilterNode(filter: LdapjsFilter, depth = 0): FilterNode {
  if (depth > MAX_FILTER_DEPTH) return { type: 'unsupported', description: 'filter nested too deeply' };
  const attribute = filter.attribute ?? '';
  const value = String(filter.value ?? '');
  switch (filter.type) {
    case 'AndFilter':
      return { type: 'and', clauses: filter.clauses.map((c) => toFilterNode(c, depth + 1)) };
    case 'OrFilter':
      return { type: 'or', clauses: filter.clauses.map((c) => toFilterNode(c, depth + 1)) };
    case 'NotFilter':
      return filter.clauses[0]
        ? { type: 'not', clause: toFilterNode(filter.clauses[0], depth + 1) }
        : { type: 'unsupported', description: 'empty not' };
    case 'EqualityFilter':
      return { type: 'equality', attribute, value };
    case 'ApproximateFilter':
      return { type: 'approx', attribute, value };
    case 'GreaterThanEqualsFilter':
      return { type: 'greaterOrEqual', attribute, value };
    case 'LessThanEqualsFilter':
      return { type: 'lessOrEqual', attribute, value };
    case 'PresenceFilter':
      return { type: 'present', attribute };
    case 'SubstringFilter':
      return {
        type: 'substrings',
        attribute,
        initial: filter.initial || undefined,
        any: filter.any ?? [],
        final: filter.final || undefined,
      };
    default:
      return { type: 'unsupported', description: filter.type };
  }
}

/** Test helper and tooling: parse an RFC 4515 filter string with the same parser the server uses. */
export function parseFilterString(text: string): FilterNode {
  const parse = (ldapjs as unknown as { parseFilter(t: string): LdapjsFilter }).parseFilter;
  return toFilterNode(parse(text));
}

/** The changes of a ModifyRequest as plain data; binary values are read as UTF-8. */
export function toModifyChanges(
  req: LdapjsModifyRequest,
): Array<{ operation: string; type: string; values: string[] }> {
  return req.changes.map((c) => ({
    operation: String(c.operation),
    type: String(c.modification.type),
    values: c.modification.values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))),
  }));
}
