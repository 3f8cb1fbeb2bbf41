import { PLAINTEXT_REFUSED } from '../pop3-login.js';
import type { MmpCommandHandler } from './types.js';

/**
 * RFC 1939 7 USER. Every name is accepted: whether it exists is only checked,
 * together with the password, at PASS.
 */
export const user: MmpCommandHandler = {
  run(ctx, args) {
    if (!ctx.plaintextAllowed()) return ctx.err(PLAINTEXT_REFUSED);
    const name = args.trim();
    if (name === '') return ctx.protocolError('Syntax: USER name');
    ctx.session.pendingUser = name;
    ctx.ok('Send PASS');
  },
};
