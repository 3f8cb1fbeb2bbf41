import assert from 'node:assert/strict';
import type { ComposeRequest, ComposeResult, MailboxMessageView } from '../../server/api/world-view.js';
import type { Fault, FaultSpec } from '../../server/core/faults.js';
import type { QueuedMessage } from '../../server/queue/types.js';

/** What a running world tells a client about its control API (World has both). */
export interface ControlEndpoint {
  controlUrl: string;
  controlToken: string;
}

export interface ControlReply<T> {
  status: number;
  body: T;
}

/**
 * A tiny client for the control API, the way the UI and `qm` talk to a world: plain
 * `fetch` with the world's bearer token. `request` returns whatever came back; the
 * typed helpers assert the success status, so a test reads as the story it tells.
 */
export class ControlClient {
  private readonly origin: string;

  constructor(private readonly endpoint: ControlEndpoint) {
    assert.ok(endpoint.controlUrl, 'the world has no control server');
    this.origin = new URL(endpoint.controlUrl).origin;
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<ControlReply<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.endpoint.controlToken}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, this.origin), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = response.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await response.json() : await response.text();
    return { status: response.status, body: parsed as T };
  }

  async addFault(spec: FaultSpec): Promise<Fault> {
    const reply = await this.request<Fault>('POST', '/api/faults', spec);
    assert.equal(reply.status, 201, `POST /api/faults: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  async faults(): Promise<Fault[]> {
    return this.ok<Fault[]>('GET', '/api/faults');
  }

  async clearFault(id: string): Promise<void> {
    const reply = await this.request<{ cleared?: boolean }>('DELETE', `/api/faults/${encodeURIComponent(id)}`);
    assert.equal(reply.status, 200, `DELETE /api/faults/${id}: ${JSON.stringify(reply.body)}`);
  }

  /** Clears every fault switch that is on (for a test's `after`). */
  async clearAllFaults(): Promise<void> {
    for (const fault of await this.faults()) await this.clearFault(fault.id);
  }

  async compose(request: ComposeRequest): Promise<ComposeResult> {
    const reply = await this.request<ComposeResult>('POST', '/api/compose', request);
    assert.equal(reply.status, 202, `POST /api/compose: ${JSON.stringify(reply.body)}`);
    return reply.body;
  }

  /** The queue of the site MTA, or of another MTA host of the world (`?host=`). */
  queue(host?: string): Promise<QueuedMessage[]> {
    return this.ok('GET', host ? `/api/queue?host=${encodeURIComponent(host)}` : '/api/queue');
  }

  mailbox(address: string, folder: string): Promise<MailboxMessageView[]> {
    return this.ok('GET', `/api/mailboxes/${encodeURIComponent(address)}/${encodeURIComponent(folder)}`);
  }

  /** A stored message's bytes, as text. */
  async rawMessage(address: string, folder: string, uid: number): Promise<string> {
    const path = `/api/mailboxes/${encodeURIComponent(address)}/${encodeURIComponent(folder)}/${uid}/raw`;
    const reply = await this.request<string>('GET', path);
    assert.equal(reply.status, 200, `GET ${path}: ${String(reply.body)}`);
    return reply.body;
  }

  async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await this.request<T>(method, path, body);
    assert.ok(
      reply.status >= 200 && reply.status < 300,
      `${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`,
    );
    return reply.body;
  }
}
