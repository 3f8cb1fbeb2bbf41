import { performance } from 'node:perf_hooks';
import type { TraceInput } from '../api/trace.js';
import { MailError } from '../core/mail-error.js';
import type { Tracer } from '../core/tracer.js';
import { ResultCode } from './result-codes.js';
import { DOMAIN_ATTRIBUTES, RECIPIENT_ATTRIBUTES, toDomain, toRecipient, toUser } from './entry-mapping.js';
import { equals, filterText } from './filter-wire.js';
import {
  LdapConnection,
  LdapResultError,
  LdapTimeoutError,
  type SearchEntry,
  type SearchRequest,
} from './ldap-connection.js';
import type { DirectoryDomain, DirectoryRecipient, DirectoryUser, ServiceCredentials, TraceContext } from './types.js';

export type { DirectoryDomain, DirectoryGroup, DirectoryRecipient, DirectoryUser, TraceContext } from './types.js';

export interface DirectoryClientOptions {
  /** ldap://host:port */
  url: string;
  baseDn: string;
  service: ServiceCredentials;
  tracer: Tracer;
  /** The host asking (mta.siroe.example, mmp.siroe.example): the `from` of each event. */
  callerNode: string;
  directoryNode: string;
  /** Connect and per-operation timeout. */
  timeoutMs?: number;
}

/** Longer than any real address or login; such input is answered "not found" without asking. */
const MAX_LOOKUP_LENGTH = 1024;

/**
 * What the MTA and the MMP know of LDAP. Every lookup is a real search on the
 * wire (no cache: the class must see each one), made on one persistent
 * connection bound as the service account, which carries concurrent operations
 * side by side (ldap-connection.ts). A password check binds as the user on a connection of its own,
 * so the service session never changes identity.
 */
export class DirectoryClient {
  private readonly timeoutMs: number;
  private session: LdapConnection | undefined;
  private opening: Promise<LdapConnection> | undefined;
  private closed = false;

  constructor(private readonly opts: DirectoryClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  /** The person or group whose mail or mailAlternateAddress is `address` (case-insensitive). */
  async findRecipient(address: string, purpose: string, trace?: TraceContext): Promise<DirectoryRecipient | undefined> {
    const value = address.trim();
    if (value === '' || value.length > MAX_LOOKUP_LENGTH) return undefined;
    const entries = await this.search(
      {
        base: this.opts.baseDn,
        scope: 'sub',
        filter: { type: 'or', clauses: [equals('mail', value), equals('mailAlternateAddress', value)] },
        attributes: RECIPIENT_ATTRIBUTES,
        sizeLimit: 2,
      },
      purpose,
      trace,
    );
    return onlyOne(entries, address) ? toRecipient(entries[0]!) : undefined;
  }

  /** A mail user by uid, or by mail address when the login contains '@'. */
  async findUser(login: string, purpose: string, trace?: TraceContext): Promise<DirectoryUser | undefined> {
    const value = login.trim();
    if (value === '' || value.length > MAX_LOOKUP_LENGTH) return undefined;
    const attribute = value.includes('@') ? 'mail' : 'uid';
    const entries = await this.search(
      {
        base: this.opts.baseDn,
        scope: 'sub',
        filter: { type: 'and', clauses: [equals('objectClass', 'inetMailUser'), equals(attribute, value)] },
        attributes: RECIPIENT_ATTRIBUTES,
        sizeLimit: 2,
      },
      purpose,
      trace,
    );
    return onlyOne(entries, login) ? toUser(entries[0]!) : undefined;
  }

  /**
   * findUser, then a simple bind as that user's DN on a short-lived connection of its
   * own. The status (mailUserStatus) is the caller's to judge:
   * mayAccessMailbox in mail-user-status.ts.
   */
  async authenticate(
    login: string,
    password: string,
    purpose: string,
    trace?: TraceContext,
  ): Promise<DirectoryUser | undefined> {
    // An empty password would be an "unauthenticated bind", which some servers accept.
    if (password === '') return undefined;
    const user = await this.findUser(login, purpose, trace);
    if (!user) return undefined;
    const ok = await this.bindAs(user.dn, password, purpose, trace);
    return ok ? user : undefined;
  }

  /** The routing host of a hosted domain, from the domain tree (ou=Domains). */
  async findDomain(domain: string, purpose: string, trace?: TraceContext): Promise<DirectoryDomain | undefined> {
    const value = domain.trim().replace(/\.$/, '');
    if (value === '' || value.length > MAX_LOOKUP_LENGTH) return undefined;
    const entries = await this.search(
      {
        base: `ou=Domains,${this.opts.baseDn}`,
        scope: 'one',
        filter: equals('associatedDomain', value),
        attributes: DOMAIN_ATTRIBUTES,
        sizeLimit: 1,
      },
      purpose,
      trace,
    );
    return entries[0] && toDomain(entries[0]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const session = this.session;
    this.session = undefined;
    await session?.unbind();
  }

  private async search(query: SearchRequest, purpose: string, trace: TraceContext | undefined): Promise<SearchEntry[]> {
    const { entries, durationMs } = await this.withSession(purpose, trace, async (connection) => {
      const started = performance.now();
      const entries = await connection.search(query);
      return { entries, durationMs: performance.now() - started };
    });
    this.emit(trace, {
      kind: 'directory.searched',
      data: {
        base: query.base,
        scope: query.scope,
        filter: filterText(query.filter),
        purpose,
        entries: entries.length,
        dns: entries.map((e) => e.dn),
        durationMs: roundMs(durationMs),
      },
    });
    return entries;
  }

  /**
   * Run one operation on the service session. A connection that was already open
   * may have been closed by the server meanwhile (idle timeout, a directory restart):
   * that failure gets one fresh connection before the caller hears of it.
   */
  private async withSession<T>(
    purpose: string,
    trace: TraceContext | undefined,
    op: (c: LdapConnection) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const { client, reused } = await this.sessionFor(purpose, trace);
      try {
        return await op(client);
      } catch (err) {
        if (err instanceof LdapResultError) {
          throw MailError.temporary('directory', '4.3.0', 'Directory lookup failed', err);
        }
        this.drop(client);
        if (reused && attempt === 1 && !(err instanceof LdapTimeoutError)) continue;
        throw unavailable(err);
      }
    }
  }

  private async sessionFor(
    purpose: string,
    trace: TraceContext | undefined,
  ): Promise<{ client: LdapConnection; reused: boolean }> {
    if (this.closed) throw unavailable(new Error('the directory client is closed'));
    if (this.session?.isConnected) return { client: this.session, reused: true };
    // Concurrent callers share one connection attempt instead of racing to open several.
    this.opening ??= this.openSession(purpose, trace).finally(() => {
      this.opening = undefined;
    });
    return { client: await this.opening, reused: false };
  }

  private async openSession(purpose: string, trace: TraceContext | undefined): Promise<LdapConnection> {
    const { dn, password } = this.opts.service;
    const started = performance.now();
    let client: LdapConnection | undefined;
    try {
      client = await this.connect();
      await client.bind(dn, password);
    } catch (err) {
      await client?.unbind();
      if (err instanceof LdapResultError) this.emitBound(trace, dn, false, `service session (${purpose})`, started);
      throw unavailable(err);
    }
    this.emitBound(trace, dn, true, `service session (${purpose})`, started);
    if (this.closed) {
      await client.unbind();
      throw unavailable(new Error('the directory client is closed'));
    }
    this.session = client;
    return client;
  }

  /** A bind as `dn` on a connection of its own: true if the password is right. */
  private async bindAs(
    dn: string,
    password: string,
    purpose: string,
    trace: TraceContext | undefined,
  ): Promise<boolean> {
    const started = performance.now();
    let client: LdapConnection | undefined;
    try {
      client = await this.connect();
      await client.bind(dn, password);
      this.emitBound(trace, dn, true, purpose, started);
      return true;
    } catch (err) {
      if (!(err instanceof LdapResultError)) throw unavailable(err);
      this.emitBound(trace, dn, false, purpose, started);
      if (err.code === ResultCode.invalidCredentials) return false;
      throw MailError.temporary('directory', '4.3.0', 'Directory lookup failed', err);
    } finally {
      await client?.unbind();
    }
  }

  private connect(): Promise<LdapConnection> {
    return LdapConnection.open(this.opts.url, this.timeoutMs);
  }

  private drop(client: LdapConnection): void {
    if (this.session === client) this.session = undefined;
    void client.unbind();
  }

  private emitBound(trace: TraceContext | undefined, dn: string, ok: boolean, purpose: string, started: number): void {
    this.emit(trace, {
      kind: 'directory.bound',
      data: { dn, ok, purpose, durationMs: roundMs(performance.now() - started) },
    });
  }

  private emit(
    trace: TraceContext | undefined,
    event:
      Pick<TraceInput<'directory.searched'>, 'kind' | 'data'> | Pick<TraceInput<'directory.bound'>, 'kind' | 'data'>,
  ): void {
    const { directoryNode, callerNode } = this.opts;
    const context: TraceContext = {};
    if (trace?.traceId) context.traceId = trace.traceId;
    if (trace?.spanId) context.spanId = trace.spanId;
    this.opts.tracer.emit({
      ...event,
      ...context,
      node: directoryNode,
      from: callerNode,
      to: directoryNode,
    } as TraceInput);
  }
}

/** Two entries for one address is a directory error the sender should hear about (RFC 3463 X.1.4). */
function onlyOne(entries: SearchEntry[], address: string): boolean {
  if (entries.length > 1) {
    throw MailError.permanent('directory', '5.1.4', `<${address}>: ambiguous address in the directory`);
  }
  return entries.length === 1;
}

function unavailable(cause: unknown): MailError {
  return MailError.temporary('directory', '4.4.3', 'Directory server unavailable', cause);
}

function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
