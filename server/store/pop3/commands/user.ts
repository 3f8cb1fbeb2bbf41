import { PLAINTEXT_REFUSED } from '../login.js';
import { AUTHORIZATION, type CommandHandler } from './types.js';

/**
 * RFC 1939 7 USER. Every name is accepted here, known or not: whether a mailbox
 * exists is only revealed (if at all) after a correct password.
 */
export const user: CommandHandler = {
  states: AUTHORIZATION,
  run(ctx, args) {
    if (!ctx.plaintextAllowed()) return ctx.err(PLAINTEXT_REFUSED);
    const name = args.trim();
    if (name === '') return ctx.err('Syntax: USER name');
    ctx.session.pendingUser = name;
    ctx.ok('Send PASS');
  },
};
