import { MailError } from '../../core/mail-error.js';
import { decodeSasl, isCancel, parsePlain } from '../../mta/smtp/sasl.js';
import { PLAINTEXT_REFUSED, proxyLogIn, refuseLogin } from '../pop3-login.js';
import type { MmpCommandContext, MmpCommandHandler } from './types.js';

/**
 * RFC 5034 AUTH with RFC 4616 PLAIN, with or without an initial response; "*"
 * cancels. A bare "AUTH" lists the mechanisms (Thunderbird and Outlook ask so).
 * The back end is then logged in with USER/PASS: it accepts plaintext on loopback.
 */
export const auth: MmpCommandHandler = {
  async run(ctx, args) {
    const words = args.trim() === '' ? [] : args.trim().split(/ +/);
    const [mechanism, initial] = words;
    if (mechanism === undefined) {
      return ctx.okLines('Supported mechanisms', ctx.plaintextAllowed() ? ['PLAIN'] : []);
    }
    if (words.length > 2) return ctx.protocolError('Syntax: AUTH mechanism [initial-response]');
    if (mechanism.toUpperCase() !== 'PLAIN') return ctx.err('Unsupported authentication mechanism');
    if (!ctx.plaintextAllowed()) return ctx.err(PLAINTEXT_REFUSED);
    if (initial !== undefined) return plainResponse(ctx, initial);
    // RFC 5034 4: PLAIN starts with an empty challenge.
    ctx.challenge('', { handle: (line) => plainResponse(ctx, line) });
  },
};

async function plainResponse(ctx: MmpCommandContext, line: string): Promise<void> {
  if (isCancel(line)) return ctx.err('Authentication cancelled');
  let credentials;
  try {
    credentials = parsePlain(decodeSasl(line));
  } catch (err) {
    // The SASL helpers speak SMTP (501 ...); only their text matters here.
    if (err instanceof MailError) return ctx.protocolError(err.publicText);
    throw err;
  }
  const { authzid, username, password } = credentials;
  // Acting as another user (RFC 4616 authzid) is not offered: it fails like a wrong password.
  if (authzid !== '' && authzid !== username) {
    return refuseLogin(ctx, 'PLAIN', username, `may not act as ${authzid}`);
  }
  await proxyLogIn(ctx, 'PLAIN', username, password);
}
