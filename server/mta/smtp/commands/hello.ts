import type { CommandContext } from './types.js';

/**
 * Shared by EHLO and LHLO: the service extensions we offer. STARTTLS only until the
 * connection is secure; AUTH only where credentials would not cross the wire in the
 * clear (or the listener allows it). CHUNKING (BDAT, RFC 3030) only on LMTP, as Dovecot
 * offers it: the MTA's delivery to a store is then one write for MAIL, RCPT and the
 * whole message. The SMTP listeners keep to DATA, where the fault switches act on the
 * DATA command and every standard client already speaks it.
 */
export function extensionLines(ctx: CommandContext, withAuth: boolean): string[] {
  const { options, session } = ctx;
  const lines = [
    'PIPELINING',
    `SIZE ${options.maxMessageSizeBytes}`,
    '8BITMIME',
    'SMTPUTF8',
    'ENHANCEDSTATUSCODES',
    'DSN',
  ];
  if (session.lmtp) lines.push('CHUNKING');
  if (options.tls && !session.secure) lines.push('STARTTLS');
  if (withAuth && authUsable(ctx)) lines.push(`AUTH ${options.auth!.methods.join(' ')}`);
  return lines;
}

/** AUTH may be used here: configured, and over TLS or from an address allowed in the clear. */
export function authUsable(ctx: CommandContext): boolean {
  const auth = ctx.options.auth;
  if (!auth) return false;
  return ctx.session.secure || auth.allowInsecure(ctx.session.remoteAddress);
}

/** EHLO, HELO and LHLO all start over: a new greeting means a new transaction (RFC 5321 4.1.4). */
export function greet(ctx: CommandContext, clientHostname: string, extended: boolean): void {
  ctx.resetTransaction();
  ctx.state = 'ready';
  ctx.session.clientHostname = clientHostname;
  ctx.session.extended = extended;
  ctx.session.updateTransmissionType();
}
