/**
 * The control API as the renderer sees it. Every request carries the token as a
 * Bearer header; errors come back as ApiError with the server's own message. Panels
 * add methods here rather than calling fetch themselves.
 */
import type { TraceEvent } from '../../../server/api/trace.js';
import type { DirectoryView, MailboxMessageView, WorldView } from '../../../server/api/world-view.js';
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
