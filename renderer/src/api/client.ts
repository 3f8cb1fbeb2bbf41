/**
 * The control API as the renderer sees it. Every request carries the token as a
 * Bearer header; errors come back as ApiError with the server's own message. Panels
 * add methods here rather than calling fetch themselves.
 */
import type { QueuedMessage } from '../../../server/api/queue-view.js';
import type { TraceEvent } from '../../../server/api/trace.js';
import type { DirectoryView, MailboxMessageView, WorldView } from '../../../server/api/world-view.js';
import type { ComposeRequest, ComposeResult, DnsZoneView, MailboxSummaryView } from '../../../server/api/world-view.js';
import type { DirectoryUser } from '../topology/topology.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const TRACE_PAGE_LIMIT = 10_000;

/**
 * A fault switch as POST /api/faults takes it. Mirrors server/core/faults.ts FaultSpec
 * (that file also holds runtime code the browser must not pull in; a unit test checks
 * the two agree).
 */
export type LabFaultSpec =
  | { kind: 'down'; target: string }
  | { kind: 'slow'; target: string; delayMs: number }
  | {
      kind: 'reply';
      target: string;
      command: 'CONNECT' | 'EHLO' | 'HELO' | 'MAIL' | 'RCPT' | 'DATA' | 'DOT' | 'STARTTLS';
      code: number;
      enhanced?: string;
      text?: string;
    }
  | { kind: 'dns'; target: string; rcode: 'NXDOMAIN' | 'SERVFAIL' }
  | { kind: 'user'; target: string; status: 'inactive' | 'disabled' | 'removed' | 'hold' | 'overquota' };

export type LabFault = LabFaultSpec & { id: string; createdAt: number };

/** A queued message as GET /api/queue lists it: the queue's own type (server/api/queue-view.ts). */
export type QueuedMessageView = QueuedMessage;

/** A queue log record (cf. mail.log_current): E enqueued, D delivered, Q deferred, R failed, H held, … */
export interface QueueHistoryView {
  queueId: string;
  at: number;
  action: string;
  channel: string;
  sender: string;
  recipient: string;
  sizeBytes: number;
  status: string;
}

export interface QueueEntryView {
  message: QueuedMessageView;
  history: QueueHistoryView[];
}

export class ApiClient {
  constructor(
    /** e.g. http://127.0.0.1:8025 */
    readonly origin: string,
    private readonly token: string,
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  world(): Promise<WorldView> {
    return this.get('/api/world');
  }

  /** One page of the recorded trace after `sinceSeq`. */
  trace(sinceSeq: number, limit = TRACE_PAGE_LIMIT): Promise<TraceEvent[]> {
    return this.get(`/api/trace?since=${sinceSeq}&limit=${limit}`);
  }

  directory(): Promise<DirectoryView> {
    return this.get('/api/directory');
  }

  /** The site's users (for the client nodes), or undefined where the world has no directory listing. */
  async directoryUsers(): Promise<DirectoryUser[] | undefined> {
    try {
      const { users } = await this.directory();
      return users.map(({ mail, cn, uid, alternateAddresses }) => ({ mail, cn, uid, alternateAddresses }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  queue<T = unknown>(): Promise<T> {
    return this.get('/api/queue');
  }

  queueMessage<T = unknown>(queueId: string): Promise<T> {
    return this.get(`/api/queue/${encodeURIComponent(queueId)}`);
  }

  queueAction<T = unknown>(queueId: string, action: string): Promise<T> {
    return this.send('POST', `/api/queue/${encodeURIComponent(queueId)}/${encodeURIComponent(action)}`);
  }

  mailbox(address: string, folder = 'INBOX'): Promise<MailboxMessageView[]> {
    return this.get(`/api/mailboxes/${encodeURIComponent(address)}/${encodeURIComponent(folder)}`);
  }

  setClock(request: { mode?: string; advanceMs?: number }): Promise<{ mode: string; now: number }> {
    return this.send('POST', '/api/clock', request);
  }

  /** The queue of the site MTA, or of another MTA host of the world (`?host=`). */
  queueOf(host?: string): Promise<QueuedMessageView[]> {
    return this.get(host ? `/api/queue?host=${encodeURIComponent(host)}` : '/api/queue');
  }

  /** One queued message, at whichever MTA of the world holds it, with its log records. */
  queueEntry(queueId: string): Promise<QueueEntryView> {
    return this.get(`/api/queue/${encodeURIComponent(queueId)}`);
  }

  dns(): Promise<DnsZoneView[]> {
    return this.get('/api/dns');
  }

  mailboxes(): Promise<MailboxSummaryView[]> {
    return this.get('/api/mailboxes');
  }

  /** A stored message's bytes (message/rfc822): bytes, not text, so each MIME part keeps its charset. */
  /** A message still waiting in a queue (any MTA host of the world), as queued. */
  queueRaw(queueId: string): Promise<Uint8Array> {
    return this.mailBytes(`/api/queue/${encodeURIComponent(queueId)}/raw`);
  }

  mailboxRaw(address: string, folder: string, uid: number): Promise<Uint8Array> {
    return this.mailBytes(`/api/mailboxes/${encodeURIComponent(address)}/${encodeURIComponent(folder)}/${uid}/raw`);
  }

  private async mailBytes(path: string): Promise<Uint8Array> {
    const response = await this.fetchImpl(`${this.origin}${path}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) {
      const parsed = safeJson(await response.text()) as { error?: unknown } | undefined;
      const message = typeof parsed?.error === 'string' ? parsed.error : `GET ${path}: ${response.status}`;
      throw new ApiError(response.status, message);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  faults(): Promise<LabFault[]> {
    return this.get('/api/faults');
  }

  addFault(spec: LabFaultSpec): Promise<LabFault> {
    return this.send('POST', '/api/faults', spec);
  }

  async removeFault(id: string): Promise<void> {
    await this.send('DELETE', `/api/faults/${encodeURIComponent(id)}`);
  }

  /** Sends a message through the world's real servers (submission, or from an Internet host). */
  compose(request: ComposeRequest): Promise<ComposeResult> {
    return this.send('POST', '/api/compose', request);
  }

  /** The WebSocket address of the live trace, resuming after `sinceSeq`. */
  traceStreamUrl(sinceSeq: number): string {
    const ws = this.origin.replace(/^http/, 'ws');
    return `${ws}/api/trace/stream?token=${encodeURIComponent(this.token)}&since=${sinceSeq}`;
  }

  get<T>(path: string): Promise<T> {
    return this.send('GET', path);
  }

  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetchImpl(`${this.origin}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const message = (parsed as { error?: unknown } | undefined)?.error;
      throw new ApiError(
        response.status,
        typeof message === 'string' ? message : `${method} ${path}: ${response.status}`,
      );
    }
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
