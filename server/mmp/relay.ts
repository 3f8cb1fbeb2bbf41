import type { Socket } from 'node:net';

/** Who ended a relayed session first. */
export type RelayEnd = 'client' | 'backend' | 'error';

/** After one side has gone, how long the other may take to finish its FIN. */
const HALF_CLOSE_GRACE_MS = 1000;

export interface RelayOptions {
  /** The client's socket, TLS or not (a TLSSocket is a Socket). */
  client: Socket;
  /** The logged-in back-end socket. */
  backend: Socket;
  /** Client bytes read during the login and not answered by the MMP (pipelined commands). */
  toBackend: Buffer;
  /** Back-end bytes read after its login reply. */
  toClient: Buffer;
  /** Called once, when the first side has gone. */
  onEnded?(by: RelayEnd): void;
  /** Called once, when both sockets are closed. */
  onFinished?(): void;
}

/**
 * Raw bytes both ways between a client and its back end, with backpressure (pipe)
 * in each direction; when one side goes, the other is ended, and destroyed if it
 * does not close soon. The MMP does not parse anything here.
 */
export class Relay {
  private endedBy?: RelayEnd;
  private graceTimer?: NodeJS.Timeout;
  private readonly closedSides = new Set<'client' | 'backend'>();

  constructor(private readonly options: RelayOptions) {
    const { client, backend, toBackend, toClient } = options;
    backend.setNoDelay(true);
    client.setTimeout(0);
    backend.setTimeout(0);
    // The bytes already read must go before anything pipe() moves, to keep order.
    if (toClient.length > 0) client.write(toClient);
    if (toBackend.length > 0) backend.write(toBackend);
    client.on('error', this.onError);
    backend.on('error', this.onError);
    client.once('close', () => this.onClose('client'));
    backend.once('close', () => this.onClose('backend'));
    client.pipe(backend);
    backend.pipe(client);
    // A side may already have closed (its 'close' event gone) while the login was answered.
    if (client.closed) this.onClose('client');
    if (backend.closed) this.onClose('backend');
  }

  get ended(): RelayEnd | undefined {
    return this.endedBy;
  }

  get finished(): boolean {
    return this.closedSides.size === 2;
  }

  destroy(): void {
    this.options.client.destroy();
    this.options.backend.destroy();
  }

  private readonly onError = (): void => {
    this.markEnded('error');
    this.destroy();
  };

  private onClose(side: 'client' | 'backend'): void {
    if (this.closedSides.has(side)) return;
    this.closedSides.add(side);
    if (this.closedSides.size === 2) {
      if (this.graceTimer) clearTimeout(this.graceTimer);
      this.options.onFinished?.();
      return;
    }
    this.markEnded(side);
    // pipe() ends the other side on a clean 'end', not when a side was destroyed.
    const other = side === 'client' ? this.options.backend : this.options.client;
    other.end();
    this.graceTimer = setTimeout(() => other.destroy(), HALF_CLOSE_GRACE_MS);
    this.graceTimer.unref();
  }

  private markEnded(by: RelayEnd): void {
    if (this.endedBy) return;
    this.endedBy = by;
    this.options.onEnded?.(by);
  }
}
