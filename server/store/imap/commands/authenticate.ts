import { completeLogin, requirePlaintextAllowed } from '../login.js';
import { asAString, asAtom, ImapNoError, ImapSyntaxError } from '../syntax/types.js';
import { NOT_AUTHENTICATED, type CommandHandler } from './types.js';

/** RFC 3501 §6.2.2 with RFC 4959 SASL-IR; only PLAIN (RFC 4616). */
export const authenticate: CommandHandler = {
  states: NOT_AUTHENTICATED,
  async run(ctx, cmd) {
    const mechanism = asAtom(cmd.args[0], 'mechanism').toUpperCase();
    if (cmd.args.length > 2) throw new ImapSyntaxError('Too many arguments');
    if (mechanism !== 'PLAIN') throw new ImapNoError('Unsupported authentication mechanism', 'CANNOT');
    requirePlaintextAllowed(ctx);
    let response = cmd.args[1] ? asAString(cmd.args[1], 'initial response') : await ctx.readLine('');
    if (response === undefined) throw new ImapNoError('Connection closed');
    if (response === '*') throw new ImapSyntaxError('Authentication cancelled');
    if (response === '=') response = '';
    const decoded = decodePlain(response);
    return completeLogin(ctx, 'PLAIN', decoded.login, decoded.password);
  },
};

/** `authzid NUL authcid NUL password`; an authzid other than the login is refused. */
function decodePlain(base64: string): { login: string; password: string } {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) throw new ImapSyntaxError('Invalid base64 in SASL response');
  const parts = Buffer.from(base64, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) throw new ImapSyntaxError('Malformed PLAIN response');
  const [authzid, login, password] = parts as [string, string, string];
  if (authzid !== '' && authzid !== login)
    throw new ImapNoError('Authorization identity not allowed', 'AUTHORIZATIONFAILED');
  return { login, password };
}
