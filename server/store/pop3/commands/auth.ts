import { MailError } from '../../../core/mail-error.js';
import { decodeSasl, isCancel, parsePlain } from '../../../mta/smtp/sasl.js';
import { logIn, PLAINTEXT_REFUSED, refuseLogin } from '../login.js';
import { multilineLines } from '../multiline.js';
import { words } from './args.js';
import { AUTHORIZATION, type CommandContext, type CommandHandler } from './types.js';

/**
 * RFC 5034 AUTH with RFC 4616 PLAIN, with or without an initial response. A bare
 * "AUTH" lists the mechanisms: not in RFC 5034, but Thunderbird and Outlook ask so.
 */
export const auth: CommandHandler = {
  states: AUTHORIZATION,
  async run(ctx, args) {
    const [mechanism, initial] = words(args, 0, 2, 'AUTH mechanism [initial-response]');
    if (mechanism === undefined) {
      return ctx.okMultiline('Supported mechanisms', multilineLines(ctx.plaintextAllowed() ? ['PLAIN'] : []));
    }
    if (mechanism.toUpperCase() !== 'PLAIN') return ctx.err('Unsupported authentication mechanism');
    if (!ctx.plaintextAllowed()) return ctx.err(PLAINTEXT_REFUSED);
    if (initial !== undefined) return plainResponse(ctx, initial);
    // RFC 5034 4: PLAIN starts with an empty challenge.
    ctx.challenge('', { handle: (line) => plainResponse(ctx, line) });
  },
};

async function plainResponse(ctx: CommandContext, line: string): Promise<void> {
  if (isCancel(line)) return ctx.err('Authentication cancelled');
  let credentials;
  try {
    credentials = parsePlain(decodeSasl(line));
  } catch (err) {
    // The SASL helpers speak SMTP (501 ...); only their text matters here.
    if (err instanceof MailError) return ctx.err(err.publicText);
    throw err;
  }
  const { authzid, username, password } = credentials;
  // Acting as another user (RFC 4616 authzid) is not offered: such a request fails like a bad password.
  if (authzid !== '' && authzid !== username) {
    return refuseLogin(ctx, 'PLAIN', username, `may not act as ${authzid}`);
  }
  await logIn(ctx, 'PLAIN', username, password);
}
