import { logIn, PLAINTEXT_REFUSED } from '../login.js';
import { AUTHORIZATION, type CommandHandler } from './types.js';

/**
 * RFC 1939 7 PASS. The argument is the rest of the line as sent: RFC 1939 lets a
 * password contain spaces. A failed PASS forgets the USER name (the client starts over).
 */
export const pass: CommandHandler = {
  states: AUTHORIZATION,
  async run(ctx, args) {
    if (!ctx.plaintextAllowed()) return ctx.err(PLAINTEXT_REFUSED);
    const login = ctx.session.pendingUser;
    if (login === undefined) return ctx.err('Send USER first');
    ctx.session.pendingUser = undefined;
    await logIn(ctx, 'USER', login, args);
  },
};
