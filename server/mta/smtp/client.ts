import { isAscii } from 'node:buffer';
import { MailError } from '../../core/mail-error.js';
import { encodeBody, encodeChunk } from './body-encoding.js';
import { ClientConnection, clientError } from './client-connection.js';
import type { ClientReply } from './client-replies.js';

export interface SmtpClientOptions {
  host: string;
  port: number;
  lmtp?: boolean;
  clientHostname: string;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  startTls?: 'never' | 'opportunistic';
  tls?: { rejectUnauthorized?: boolean };
  /** Send the message with BDAT when the server offers CHUNKING (default true; tests turn it off to drive DATA). */
  chunking?: boolean;
}

export interface ClientEnvelope {
  from: string;
  /** Extra MAIL parameters, e.g. "RET=HDRS ENVID=q1". SIZE, BODY and SMTPUTF8 are added when useful. */
  fromParams?: string;
  to: Array<{ address: string; params?: string }>;
}

export interface ReplySummary {
  code: number;
  enhanced?: string;
  text: string;
}

export interface RecipientOutcome extends ReplySummary {
  address: string;
  accepted: boolean;
}

export interface SendResult {
  recipients: RecipientOutcome[];
  dataReply?: ReplySummary;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 5 * 60_000;

/**
 * An SMTP/LMTP client for delivery: one connection, many transactions in sequence.
 * Per-recipient outcomes come from RCPT and the DATA reply (SMTP) or from the
 * per-recipient replies after the final dot (LMTP, RFC 2033). With PIPELINING and
 * CHUNKING the whole transaction is one write: MAIL, RCPT, "BDAT n LAST" and the
 * message (RFC 3030), answered by one batch of replies.
 */
export class SmtpClient {
  private greetingText = '';
  private readonly extensionSet = new Set<string>();
  private inUse = false;
  private quitting = false;

  private constructor(
    private readonly conn: ClientConnection,
    private readonly opts: SmtpClientOptions,
  ) {}

  static async connect(opts: SmtpClientOptions): Promise<SmtpClient> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const conn = await ClientConnection.open(
      opts.host,
      opts.port,
      connectTimeoutMs,
      opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    );
    const client = new SmtpClient(conn, opts);
    try {
      await client.open(connectTimeoutMs);
    } catch (err) {
      conn.fail(() => MailError.from(err, 'smtp-client'));
      throw err;
    }
    return client;
  }

  get greeting(): string {
    return this.greetingText;
  }

  /** EHLO/LHLO keywords, upper-cased (e.g. PIPELINING, SIZE, STARTTLS). */
  get extensions(): Set<string> {
    return this.extensionSet;
  }

  get busy(): boolean {
    return this.inUse;
  }

  get closed(): boolean {
    return this.conn.failed;
  }

  async send(envelope: ClientEnvelope, message: Buffer): Promise<SendResult> {
    return this.exclusive(() => this.transaction(envelope, message));
  }

  async reset(): Promise<void> {
    await this.exclusive(async () => {
      const reply = await this.command('RSET');
      if (reply.code !== 250) throw replyError(reply);
    });
  }

  /** Polite goodbye; never throws, and the connection is closed afterwards. */
  async quit(): Promise<void> {
    if (this.closed || this.quitting) return this.close();
    this.quitting = true;
    try {
      await this.command('QUIT');
    } catch {
      // Going away anyway.
    } finally {
      this.close();
    }
  }

  close(): void {
    this.conn.fail(() => clientError(421, '4.4.2', 'Connection closed by client'));
  }

  private async open(timeoutMs: number): Promise<void> {
    this.conn.expectingReplies = true;
    const greeting = await this.conn.read();
    if (greeting.code !== 220) throw replyError(greeting);
    this.greetingText = greeting.text;
    await this.hello();
    if (this.opts.startTls === 'opportunistic' && this.extensionSet.has('STARTTLS')) {
      const reply = await this.command('STARTTLS');
      if (reply.code === 220) {
        await this.conn.upgrade(this.opts.host, this.opts.tls?.rejectUnauthorized ?? true, timeoutMs);
        await this.hello();
      }
    }
    this.conn.expectingReplies = false;
  }

  /** EHLO (LHLO for LMTP), falling back to HELO for a server without extensions. */
  private async hello(): Promise<void> {
    this.extensionSet.clear();
    const verb = this.opts.lmtp ? 'LHLO' : 'EHLO';
    let reply = await this.command(`${verb} ${this.opts.clientHostname}`);
    if (!this.opts.lmtp && reply.code >= 500) reply = await this.command(`HELO ${this.opts.clientHostname}`);
    if (reply.code !== 250) throw replyError(reply);
    for (const line of reply.lines.slice(1)) {
      const keyword = line.trim().split(/\s+/, 1)[0];
      if (keyword) this.extensionSet.add(keyword.toUpperCase());
    }
  }

  private async command(line: string): Promise<ClientReply> {
    this.conn.write(`${line}\r\n`);
    return this.conn.read();
  }

  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inUse) throw new Error('SmtpClient is busy: one transaction at a time');
    if (this.closed) throw clientError(421, '4.4.2', 'Connection is closed');
    this.inUse = true;
    this.conn.expectingReplies = true;
    try {
      return await fn();
    } finally {
      this.conn.expectingReplies = false;
      this.inUse = false;
    }
  }

  private async transaction(envelope: ClientEnvelope, message: Buffer): Promise<SendResult> {
    checkEnvelope(envelope);
    const commands = [
      `MAIL FROM:<${envelope.from}>${this.mailParams(envelope, message)}`,
      ...envelope.to.map((r) => `RCPT TO:<${r.address}>${r.params ? ` ${r.params}` : ''}`),
    ];
    const pipelining = this.extensionSet.has('PIPELINING');
    if (pipelining && this.extensionSet.has('CHUNKING') && this.opts.chunking !== false) {
      return this.chunkedTransaction(envelope, commands, message);
    }
    const replies = pipelining ? await this.pipelined(commands) : await this.stepByStep(commands);
    const [mailReply, ...rcptReplies] = replies.envelope;
    const acceptedCount = rcptReplies.filter(isPositive).length;
    let body: BodyOutcome | undefined;
    if (replies.data?.code === 354) body = { kind: 'sent', finals: await this.sendBody(message, acceptedCount) };
    else if (replies.data) body = { kind: 'refused', reply: replies.data };
    if (!(body?.kind === 'sent' && acceptedCount > 0)) await this.resetAfterFailure();
    return buildResult(envelope, mailReply!, rcptReplies, body, this.opts.lmtp === true);
  }

  /**
   * RFC 3030 with RFC 2920: everything in one write. The server reads the chunk
   * whatever it answers: when no recipient was taken, BDAT gets one refusal (and the
   * transaction is reset); otherwise one final reply (one per accepted recipient in
   * LMTP), which ends the transaction.
   */
  private async chunkedTransaction(envelope: ClientEnvelope, commands: string[], message: Buffer): Promise<SendResult> {
    const chunk = encodeChunk(message);
    this.conn.write(Buffer.concat([Buffer.from(`${commands.join('\r\n')}\r\nBDAT ${chunk.length} LAST\r\n`), chunk]));
    const replies: ClientReply[] = [];
    for (let i = 0; i < commands.length; i++) replies.push(await this.conn.read());
    const [mailReply, ...rcptReplies] = replies;
    const acceptedCount = isPositive(mailReply!) ? rcptReplies.filter(isPositive).length : 0;
    let body: BodyOutcome;
    if (acceptedCount === 0) {
      body = { kind: 'refused', reply: await this.conn.read() };
      // RFC 3030 2: a refused BDAT fails the transaction; clear it as after a refused DATA.
      await this.resetAfterFailure();
    } else {
      const finals: ClientReply[] = [];
      const count = this.opts.lmtp ? acceptedCount : 1;
      for (let i = 0; i < count; i++) finals.push(await this.conn.read());
      body = { kind: 'sent', finals };
      // After a refused BDAT LAST an SMTP server's state is not spelled out: start clean.
      if (!this.opts.lmtp && !isPositive(finals[0]!)) await this.resetAfterFailure();
    }
    return buildResult(envelope, mailReply!, rcptReplies, body, this.opts.lmtp === true);
  }

  /** RFC 2920: MAIL, every RCPT and DATA in one write, then the replies in order. */
  private async pipelined(commands: string[]): Promise<{ envelope: ClientReply[]; data?: ClientReply }> {
    this.conn.write(`${commands.join('\r\n')}\r\nDATA\r\n`);
    const envelope: ClientReply[] = [];
    for (let i = 0; i < commands.length; i++) envelope.push(await this.conn.read());
    return { envelope, data: await this.conn.read() };
  }

  private async stepByStep(commands: string[]): Promise<{ envelope: ClientReply[]; data?: ClientReply }> {
    const mailReply = await this.command(commands[0]!);
    if (!isPositive(mailReply)) return { envelope: [mailReply] };
    const envelope = [mailReply];
    for (const rcpt of commands.slice(1)) envelope.push(await this.command(rcpt));
    if (!envelope.slice(1).some(isPositive)) return { envelope };
    return { envelope, data: await this.command('DATA') };
  }

  /** After 354: the body, then one final reply (SMTP) or one per accepted recipient (LMTP). */
  private async sendBody(message: Buffer, acceptedCount: number): Promise<ClientReply[]> {
    if (acceptedCount === 0) {
      // RFC 2920 3.1: the server took DATA although no RCPT succeeded; end it empty.
      this.conn.write('.\r\n');
      await this.conn.read();
      return [];
    }
    this.conn.write(encodeBody(message));
    const count = this.opts.lmtp ? acceptedCount : 1;
    const finals: ClientReply[] = [];
    for (let i = 0; i < count; i++) finals.push(await this.conn.read());
    return finals;
  }

  /** A half-done transaction must not leak into the next one; if RSET fails, drop the connection. */
  private async resetAfterFailure(): Promise<void> {
    const reply = await this.command('RSET');
    if (reply.code !== 250) this.close();
  }

  private mailParams(envelope: ClientEnvelope, message: Buffer): string {
    const given = envelope.fromParams?.trim() ?? '';
    const params = given ? [given] : [];
    const givenNames = new Set(given.split(/\s+/).map((param) => param.split('=')[0]!.toUpperCase()));
    const has = (name: string): boolean => givenNames.has(name);
    if (this.extensionSet.has('SIZE') && !has('SIZE')) params.push(`SIZE=${message.length}`);
    if (this.extensionSet.has('8BITMIME') && !has('BODY') && !isAscii(message)) params.push('BODY=8BITMIME');
    const addresses = [envelope.from, ...envelope.to.map((r) => r.address)];
    if (this.extensionSet.has('SMTPUTF8') && !has('SMTPUTF8') && addresses.some((a) => !/^[\x00-\x7f]*$/.test(a))) {
      params.push('SMTPUTF8');
    }
    return params.length > 0 ? ` ${params.join(' ')}` : '';
  }
}

/** A line break in an address or parameter would smuggle in a command of its own. */
function checkEnvelope(envelope: ClientEnvelope): void {
  const fields = [envelope.from, envelope.fromParams ?? '', ...envelope.to.flatMap((r) => [r.address, r.params ?? ''])];
  if (fields.some((f) => /[\r\n\0]/.test(f))) {
    throw new MailError({
      code: 501,
      enhanced: '5.5.4',
      publicText: 'Line break in envelope',
      component: 'smtp-client',
    });
  }
}

function isPositive(reply: ClientReply): boolean {
  return reply.code >= 200 && reply.code < 300;
}

function summary(reply: ClientReply): ReplySummary {
  return reply.enhanced
    ? { code: reply.code, enhanced: reply.enhanced, text: reply.text }
    : { code: reply.code, text: reply.text };
}

function replyError(reply: ClientReply): MailError {
  const klass = Math.floor(reply.code / 100);
  const enhanced = reply.enhanced ?? `${klass >= 4 ? klass : 5}.0.0`;
  return new MailError({ code: reply.code, enhanced, publicText: reply.text, component: 'smtp-client' });
}

/**
 * What became of the message body: refused before it was taken (a DATA reply other
 * than 354, or a BDAT refused for want of recipients), or sent, with its final replies.
 */
type BodyOutcome = { kind: 'refused'; reply: ClientReply } | { kind: 'sent'; finals: ClientReply[] };

/** Combines MAIL, RCPT, DATA/BDAT and final replies into one outcome per recipient. */
function buildResult(
  envelope: ClientEnvelope,
  mailReply: ClientReply,
  rcptReplies: ClientReply[],
  body: BodyOutcome | undefined,
  lmtp: boolean,
): SendResult {
  const dataReply = body?.kind === 'refused' ? body.reply : undefined;
  const finals = body?.kind === 'sent' ? body.finals : [];
  let acceptedIndex = 0;
  const refused = (address: string, reply: ClientReply): RecipientOutcome => ({
    address,
    ...summary(reply),
    accepted: false,
  });
  const recipients = envelope.to.map(({ address }, i): RecipientOutcome => {
    const rcpt = rcptReplies[i];
    if (!isPositive(mailReply) || !rcpt) return refused(address, mailReply);
    if (!isPositive(rcpt)) return refused(address, rcpt);
    if (body?.kind !== 'sent') return refused(address, dataReply ?? rcpt);
    const final = lmtp ? finals[acceptedIndex++] : finals[0];
    // Unreachable while read() throws on a lost connection; a temporary failure if not.
    if (!final)
      return { address, code: 451, enhanced: '4.4.2', text: 'No final reply for this recipient', accepted: false };
    return { address, ...summary(final), accepted: isPositive(final) };
  });
  const result: SendResult = { recipients };
  if (dataReply) result.dataReply = summary(dataReply);
  else if (!lmtp && finals[0]) result.dataReply = summary(finals[0]);
  return result;
}
