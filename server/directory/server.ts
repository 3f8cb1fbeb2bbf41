import type { Socket } from 'node:net';
import type { WorldSpec } from '../api/world-spec.js';
import { encodeBerAll, ldapMessage, LdapOp, resultElement, searchEntryElement, type BerElement } from './ber.js';
import { checkSimpleBind } from './bind-operation.js';
import { DEFAULT_LIMITS, guardConnection, type ConnectionLimits } from './connection-guard.js';
import { buildDirectoryEntries } from './entries.js';
import {
  createLdapjsServer,
  scopeName,
  toFilterNode,
  toModifyChanges,
  type LdapjsBindRequest,
  type LdapjsModifyRequest,
  type LdapjsResponse,
  type LdapjsSearchRequest,
  type LdapjsServer,
} from './ldapjs-edge.js';
import { runModify } from './modify-operation.js';
import { ResultCode } from './result-codes.js';
import { buildRootDse, runSearch } from './search-operation.js';
import { DirectoryTree, type IndexedEntry } from './tree.js';
import type { ServiceCredentials } from './types.js';
import { UserStatusEditor, type UserStatusChange } from './user-status-editor.js';

export interface DirectoryServerOptions {
  spec: WorldSpec;
  /** Host name on the diagram, e.g. ldap.siroe.example. */
  node: string;
  serviceCredentials: ServiceCredentials;
  limits?: Partial<ConnectionLimits>;
}

/**
 * A real LDAP v3 server (ldapjs underneath) holding the world's directory. Anyone
 * may search (as mail directories commonly allowed); binds prove a password; the
 * only write is a person's mailUserStatus, by the service account or by the world
 * itself (setUserStatus, for an instructor's fault).
 */
export class DirectoryServer {
  readonly node: string;
  private readonly tree: DirectoryTree;
  private readonly statuses: UserStatusEditor;
  private readonly serviceNormDn: string;
  private readonly rootDse: IndexedEntry;
  private readonly ldap: LdapjsServer;
  private readonly sockets = new Set<Socket>();
  /** Who each connection is bound as (normalized DN); absent = anonymous. */
  private readonly identities = new WeakMap<Socket, string>();

  constructor(opts: DirectoryServerOptions) {
    this.node = opts.node;
    this.tree = new DirectoryTree(buildDirectoryEntries(opts.spec, opts.serviceCredentials));
    this.rootDse = buildRootDse(this.tree);
    this.statuses = new UserStatusEditor(this.tree);
    this.serviceNormDn = this.tree.normalize(opts.serviceCredentials.dn);
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.ldap = createLdapjsServer((socket) => this.accept(socket, limits));
    this.ldap.maxConnections = 512;
    // ldapjs re-emits socket and parser trouble as server 'error' / 'clientError'
    // events; one bad client must never crash the process through an unhandled event.
    this.ldap.on('error', () => {});
    this.ldap.on('clientError', () => {});
    this.mountHandlers();
  }

  listen(port: number, host: string): Promise<number> {
    const net = this.ldap.server;
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      net.once('error', onError);
      net.listen(port, host, () => {
        net.off('error', onError);
        const address = net.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Set a person's mailUserStatus (by mail, alternate address or uid); `undefined` restores the spec's. */
  setUserStatus(who: string, status: string | undefined): UserStatusChange {
    return this.statuses.set(who, status);
  }

  close(): Promise<void> {
    const net = this.ldap.server;
    for (const socket of this.sockets) socket.destroy();
    if (!net.listening) return Promise.resolve();
    return new Promise((resolve) => net.close(() => resolve()));
  }

  private accept(socket: Socket, limits: ConnectionLimits): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    guardConnection(socket, limits, {
      attach: (s) => this.ldap.newConnection(s),
      checkDn: (dn) => this.tree.normalize(dn),
      onAnonymousBind: (s) => this.identities.delete(s),
    });
  }

  private mountHandlers(): void {
    // Mounted at the root DN ('') so every base, the root DSE and unknown suffixes
    // come to us; routing by DN happens in DirectoryTree.
    this.ldap.search('', (req, _res, next) => {
      this.onSearch(req);
      next();
    });
    this.ldap.bind('', (req, res, next) => {
      this.onBind(req, res);
      next();
    });
    const readOnly = (_req: unknown, res: LdapjsResponse, next: () => void): void => {
      res.diagnosticMessage = 'the lab directory is read-only over LDAP; edit the world spec instead';
      res.end(ResultCode.insufficientAccessRights);
      next();
    };
    this.ldap.add('', readOnly);
    this.ldap.modify('', (req, res, next) => {
      this.onModify(req, res);
      next();
    });
    this.ldap.del('', readOnly);
    this.ldap.modifyDN('', readOnly);
    this.ldap.compare('', (_req, res, next) => {
      res.diagnosticMessage = 'compare is not supported';
      res.end(ResultCode.unwillingToPerform);
      next();
    });
  }

  private onSearch(req: LdapjsSearchRequest): void {
    const outcome = runSearch(this.tree, this.rootDse, {
      base: req.baseObject.toString(),
      scope: scopeName(req.scope),
      filter: toFilterNode(req.filter),
      attributes: req.attributes,
      sizeLimit: req.sizeLimit,
      typesOnly: req.typesOnly,
      boundNormDn: this.identities.get(req.connection),
    });
    // The entries and the SearchResultDone are encoded here, into one buffer and one
    // write, rather than through ldapjs's SearchEntry and response objects (which parse
    // the DN again and build a log record, unused, for every message): the client gets
    // the whole answer in one segment and wakes up once.
    const messages: BerElement[] = outcome.entries.map((entry) =>
      searchEntryElement(req.messageId, entry.dn, entry.attributes),
    );
    const done = resultElement({
      responseTag: LdapOp.searchResultDone,
      resultCode: outcome.status,
      matchedDn: outcome.matchedDn,
      diagnosticMessage: outcome.message,
    });
    messages.push(ldapMessage(req.messageId, done));
    req.connection.write(encodeBerAll(messages));
  }

  private onModify(req: LdapjsModifyRequest, res: LdapjsResponse): void {
    const outcome = runModify(this.tree, this.statuses, {
      dn: req.object.toString(),
      changes: toModifyChanges(req),
      boundNormDn: this.identities.get(req.connection),
      serviceNormDn: this.serviceNormDn,
    });
    if ('message' in outcome) {
      if (outcome.matchedDn) res.matchedDN = outcome.matchedDn;
      res.diagnosticMessage = outcome.message;
    }
    res.end(outcome.status);
  }

  private onBind(req: LdapjsBindRequest, res: LdapjsResponse): void {
    const password = typeof req.credentials === 'string' ? req.credentials : '';
    const outcome = checkSimpleBind(this.tree, req.name.toString(), password, req.version);
    if (outcome.ok) {
      this.identities.set(req.connection, outcome.normDn);
      res.end(ResultCode.success);
      return;
    }
    // A failed bind leaves the connection anonymous (RFC 4511 §4.2.1).
    this.identities.delete(req.connection);
    res.diagnosticMessage = outcome.message;
    res.end(outcome.status);
  }
}
