import { MailError } from '../../core/mail-error.js';
import type { Tracer } from '../../core/tracer.js';
import type { LabResolver } from '../../dns/resolver.js';
import { SmtpClient, type ClientEnvelope, type SendResult } from '../smtp/client.js';
import type { DeliveryChannel, DeliveryHop, DeliveryJob, RecipientOutcome } from './channel.js';
import { sameOutcome } from './channel.js';
import { addressesOf, noAddressStop, planMx, type LookupTrace, type MxCandidate, type MxPlan } from './mx-plan.js';
import { SmtpClientPool } from './smtp-client-pool.js';

export interface SmtpChannelOptions {
  /** Channel name in the queue and the trace: tcp_intranet, tcp_local, ... */
  name: string;
  /** Name said in EHLO. */
  clientHostname: string;
  /** The diagram node that delivers; it is the `callerNode` of every DNS query. */
  node: string;
  resolver: LabResolver;
  /** relay: `job.host` is the next hop itself. mx: `job.host` is the recipient domain. */
  mode: 'relay' | 'mx';
  /** The SMTP port of a lab host (all hosts are 127.0.0.1); undefined = it runs no SMTP service. */
  portFor: (hostName: string) => number | undefined;
  /**
   * Accepted for the callers' convenience but not used: the channel states its facts
   * through `job.onHop` and its outcomes, and MessageDelivery emits the events.
   */
  tracer?: Tracer;
  /** Each reply, the greeting included; also the connect timeout unless that is given (default 60 s). */
  timeoutMs?: number;
  /** TCP connect and TLS handshake (default: timeoutMs, else 10 s). */
  connectTimeoutMs?: number;
  /** Default opportunistic: STARTTLS whenever the server offers it (RFC 3207). */
  startTls?: 'never' | 'opportunistic';
  /** The lab's certificates are self-signed: pass { rejectUnauthorized: false }. */
  tls?: { rejectUnauthorized?: boolean };
  /** Connections at once per destination (default 4). */
  maxPerTarget?: number;
  /** How long an idle connection is kept for the next message (default 2 s). */
  idleMs?: number;
}

type HostTry = { kind: 'answered'; outcomes: RecipientOutcome[] } | { kind: 'unreachable'; reason: string };

/**
 * Delivery over SMTP to another MTA: to a named next hop (`relay`: the LAN messaging
 * server, the smarthost) or to whatever the recipient domain's MX records say (`mx`:
 * the smarthost and the Internet MTAs). Every host that was tried is reported through
 * `job.onHop`, so the diagram shows the message going to mx1, then to mx2 when mx1 is down.
 *
 * RFC 5321 §5.1: hosts are tried in order until one takes the transaction; a refused
 * connection, a timeout or a 4xx/5xx greeting or EHLO moves on to the next. Once a
 * host has said its RCPT and DATA replies, those replies are the outcome: no other
 * MX is asked, it would be a second copy.
 */
export class SmtpChannel implements DeliveryChannel {
  readonly name: string;
  readonly reportsHops = true;
  private readonly pool: SmtpClientPool;

  constructor(private readonly opts: SmtpChannelOptions) {
    this.name = opts.name;
    this.pool = new SmtpClientPool({ maxPerTarget: opts.maxPerTarget ?? 4, idleMs: opts.idleMs ?? 2_000 });
  }

  async deliver(job: DeliveryJob): Promise<RecipientOutcome[]> {
    const trace: LookupTrace = { callerNode: this.opts.node, traceId: job.traceId, spanId: job.spanId };
    const plan: MxPlan =
      this.opts.mode === 'mx'
        ? await planMx(job.host, this.opts.resolver, trace)
        : { kind: 'hosts', hosts: [{ host: job.host.toLowerCase(), implicit: false }] };
    if (plan.kind === 'stop') return sameOutcome(job, plan.status, `${plan.enhanced} ${plan.text}`, plan.code);
    const tried: string[] = [];
    for (const candidate of plan.hosts) {
      const found = await addressesOf(candidate.host, this.opts.resolver, trace);
      if (found.kind === 'none') {
        const end = noAddressStop(candidate, found);
        if (end) return sameOutcome(job, end.status, `${end.enhanced} ${end.text}`, end.code);
        tried.push(`${candidate.host}: ${found.reason}`);
        continue;
      }
      for (const address of found.addresses) {
        const attempt = await this.tryHost(job, candidate, address);
        if (attempt.kind === 'answered') return attempt.outcomes;
        tried.push(attempt.reason);
      }
    }
    const what =
      this.opts.mode === 'mx' ? `no mail server for ${job.host} could be reached` : `${job.host} could not be reached`;
    return sameOutcome(job, 'deferred', `4.4.1 ${what}: ${tried.join('; ')}`, 451);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async tryHost(job: DeliveryJob, candidate: MxCandidate, address: string): Promise<HostTry> {
    const port = this.opts.portFor(candidate.host);
    const hop: DeliveryHop = { host: candidate.host, address };
    if (port !== undefined) hop.port = port;
    if (candidate.preference !== undefined) hop.preference = candidate.preference;
    job.onHop?.(hop);
    const label = `${candidate.host}[${address}${port === undefined ? '' : `:${port}`}]`;
    const unreachable = (why: string): HostTry => {
      job.onHopFailed?.(hop, why);
      return { kind: 'unreachable', reason: `${label}: ${why}` };
    };
    if (port === undefined) return unreachable('connection refused (no SMTP service)');
    try {
      const outcomes = await this.pool.withClient(
        `${candidate.host}@${address}:${port}`,
        () => this.connect(address, port),
        (client) => this.transact(client, job, hop),
      );
      return { kind: 'answered', outcomes };
    } catch (err) {
      return unreachable(connectFailure(err));
    }
  }

  private connect(address: string, port: number): Promise<SmtpClient> {
    const { opts } = this;
    return SmtpClient.connect({
      host: address,
      port,
      clientHostname: opts.clientHostname,
      connectTimeoutMs: opts.connectTimeoutMs ?? opts.timeoutMs ?? 10_000,
      commandTimeoutMs: opts.timeoutMs ?? 60_000,
      startTls: opts.startTls ?? 'opportunistic',
      tls: opts.tls ?? { rejectUnauthorized: false },
    });
  }

  /** One transaction on an open session; never throws (the session is up: this host answers for the job). */
  private async transact(client: SmtpClient, job: DeliveryJob, hop: DeliveryHop): Promise<RecipientOutcome[]> {
    let result: SendResult;
    try {
      result = await client.send(dsnEnvelope(client, job), job.raw);
    } catch (err) {
      // Lost mid-transaction (dropped, timed out): the host may hold the message
      // already, so no other MX is tried now; the queue retries later.
      const error = MailError.from(err, this.name);
      const status = error.permanent ? 'failed' : 'deferred';
      const text = `${hop.host}: ${error.enhanced} ${error.publicText}`;
      return job.recipients.map((r) => ({ recipientId: r.recipientId, status, code: error.code, text, via: hop }));
    }
    return job.recipients.map((recipient, i): RecipientOutcome => {
      const reply = result.recipients[i];
      if (!reply) {
        const text = `${hop.host}: no reply for this recipient`;
        return { recipientId: recipient.recipientId, status: 'deferred', code: 451, text, via: hop };
      }
      const said = [reply.code, reply.enhanced, reply.text].filter((part) => part !== undefined && part !== '');
      const status = reply.accepted ? 'delivered' : reply.code >= 500 ? 'failed' : 'deferred';
      return {
        recipientId: recipient.recipientId,
        status,
        code: reply.code,
        text: `${hop.host} said: ${said.join(' ')}`,
        via: hop,
      };
    });
  }
}

/** Why a connection did not lead to a session, in the words of a mail log. */
function connectFailure(err: unknown): string {
  if (!(err instanceof MailError)) return `local error (${err instanceof Error ? err.message : String(err)})`;
  const error = err;
  const errno = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ECONNREFUSED') return 'connection refused';
  if (errno) return `connection failed (${errno})`;
  const text = error.publicText;
  if (text.endsWith('connect timeout')) return 'connection timed out';
  if (text.startsWith('Timed out waiting')) return 'no reply in time';
  if (text.startsWith('TLS handshake')) return 'TLS handshake failed';
  if (text.startsWith('Connection to') && text.endsWith('closed')) return 'connection closed';
  if (!text.startsWith('Protocol error')) {
    // A reply: a 421/554 greeting or a refused EHLO.
    return `said: ${error.code} ${error.enhanced} ${text}`;
  }
  return text;
}

/** RFC 3461 §4: a relay passes the DSN parameters (the sender's ENVID, NOTIFY) on when the next hop speaks DSN. */
function dsnEnvelope(client: SmtpClient, job: DeliveryJob): ClientEnvelope {
  const to = job.recipients.map((r) => ({ address: r.address }));
  if (!client.extensions.has('DSN')) return { from: job.sender, to };
  return {
    from: job.sender,
    fromParams: job.envId ? `ENVID=${job.envId}` : undefined,
    to: job.recipients.map((r) => ({ address: r.address, params: r.notify ? `NOTIFY=${r.notify}` : undefined })),
  };
}
