import { completeLogin, requirePlaintextAllowed } from '../login.js';
import { asAString, ImapSyntaxError } from '../syntax/types.js';
import { NOT_AUTHENTICATED, type CommandHandler } from './types.js';

/** RFC 3501 §6.2.3. */
export const login: CommandHandler = {
  states: NOT_AUTHENTICATED,
  async run(ctx, cmd) {
    if (cmd.args.length !== 2) throw new ImapSyntaxError('LOGIN takes a user name and a password');
    requirePlaintextAllowed(ctx);
    return completeLogin(ctx, 'LOGIN', asAString(cmd.args[0], 'user name'), asAString(cmd.args[1], 'password'));
  },
};
