import type { MessagePort, Worker } from 'node:worker_threads';

/**
 * Requests and notices between the main thread and a host thread, both ways: each
 * side can `call` a method the other side handles (and wait for its answer) or
 * `notify` it (no answer). Everything arrives in the order it was sent, so a notice
 * sent before a call is handled before it (the trace of a session reaches the main
 * thread before the message that session asks it to queue).
 *
 * Notices are many (a session's trace is a dozen events) and each message between
 * threads costs a wake-up of the other side, so the notices of one loop turn travel
 * together: at the end of the turn, or inside the next call or answer (which the
 * other side reads after them).
 */
export type ThreadHandler = (args: unknown) => Promise<unknown> | unknown;
/**
 * A notice handler that takes the args as the JSON text they crossed as, unparsed:
 * for a receiver that mostly passes them on as text (the trace: it is persisted as
 * text, and parsed only when someone watches it live). Notices only; a call to it fails.
 */
export type JsonNoticeHandler = { json: (text: string) => void };
export type ThreadHandlers = Record<string, ThreadHandler | JsonNoticeHandler>;

type Endpoint = Pick<MessagePort | Worker, 'postMessage' | 'on' | 'off'>;

/**
 * `notices`: notices sent before this envelope, handled before the rest of it. One
 * line per notice, "method args-as-JSON" (JSON never holds a raw newline); for many
 * small plain objects, JSON crosses faster than structured clone.
 */
type Envelope = { notices?: string } & (
  | { call: number; method: string; args: unknown }
  | { reply: number; result?: unknown; error?: string; code?: string }
  | { notices: string }
);

export class ThreadChannel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private closedWith: Error | undefined;
  private readonly onMessage = (message: Envelope) => this.receive(message);
  /** Notices waiting to go, each as its line. */
  private outbox: string[] = [];
  private readonly sendNotices = () => {
    const notices = this.takeNotices();
    if (notices !== undefined) this.endpoint.postMessage({ notices } satisfies Envelope);
  };

  constructor(
    private readonly endpoint: Endpoint,
    private readonly handlers: ThreadHandlers = {},
  ) {
    endpoint.on('message', this.onMessage);
  }

  call<T = unknown>(method: string, args?: unknown): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      // Posted before it is awaited: a call whose args cannot be cloned rejects and leaves nothing behind.
      this.postWithNotices({ call: id, method, args });
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** `args` must be JSON data (no Buffers, Maps or Dates): notices cross as JSON text. */
  notify(method: string, args?: unknown): void {
    let json: string;
    try {
      // undefined (and functions, which JSON leaves out) cross as no args at all.
      json = JSON.stringify(args) ?? '';
    } catch (err) {
      // Not JSON (a BigInt, a cycle): a caller's mistake, which must not take the thread down.
      console.error(`thread notice ${method} dropped: ${String(err)}`);
      return;
    }
    if (this.closedWith) return;
    if (this.outbox.length === 0) setImmediate(this.sendNotices);
    this.outbox.push(`${method} ${json}`);
  }

  /** The other side is gone: every call waiting for it fails with `error`, and so does every later one. */
  close(error: Error): void {
    if (this.closedWith) return;
    this.closedWith = error;
    this.outbox = [];
    this.endpoint.off('message', this.onMessage);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  /** Posts a call or an answer with the notices sent before it; they still go if it cannot be cloned. */
  private postWithNotices(envelope: Envelope): void {
    const notices = this.takeNotices();
    try {
      this.endpoint.postMessage(notices === undefined ? envelope : { ...envelope, notices });
    } catch (err) {
      if (notices !== undefined) this.endpoint.postMessage({ notices } satisfies Envelope);
      throw err;
    }
  }

  /** The notices waiting to go, as one text (undefined when there are none). */
  private takeNotices(): string | undefined {
    if (this.outbox.length === 0 || this.closedWith) return undefined;
    const notices = this.outbox.join('\n');
    this.outbox = [];
    return notices;
  }

  private receive(message: Envelope): void {
    if (message.notices !== undefined) {
      for (const line of message.notices.split('\n')) {
        const space = line.indexOf(' ');
        this.noticed(line.slice(0, space), line.slice(space + 1));
      }
    }
    if ('reply' in message) {
      const waiter = this.pending.get(message.reply);
      if (!waiter) return;
      this.pending.delete(message.reply);
      if (message.error !== undefined) waiter.reject(Object.assign(new Error(message.error), { code: message.code }));
      else waiter.resolve(message.result);
    } else if ('call' in message) {
      void this.answer(message.call, message.method, message.args);
    }
  }

  /** Handled at once, in arrival order. A notice nobody handles is dropped: it asked for nothing. */
  private noticed(name: string, json: string): void {
    const complain = (err: unknown) => console.error(`thread notice ${name} failed: ${String(err)}`);
    const handler = this.handlers[name];
    try {
      if (handler === undefined) return;
      if (typeof handler !== 'function') return handler.json(json);
      const done = json === '' ? handler(undefined) : handler(JSON.parse(json));
      if (done instanceof Promise) done.catch(complain);
    } catch (err) {
      complain(err);
    }
  }

  private async answer(id: number, method: string, args: unknown): Promise<void> {
    try {
      const handler = this.handlers[method];
      if (typeof handler !== 'function') throw new Error(`no handler for ${method}`);
      const result = await handler(args);
      if (!this.closedWith) this.postWithNotices({ reply: id, result });
    } catch (err) {
      // Errors travel as their message and errno-style code (EADDRINUSE, ...), which callers explain.
      const code = (err as NodeJS.ErrnoException | undefined)?.code;
      const error = err instanceof Error ? err.message : String(err);
      if (!this.closedWith) this.postWithNotices({ reply: id, error, code });
    }
  }
}
