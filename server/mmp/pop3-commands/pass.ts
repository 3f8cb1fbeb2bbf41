import { PLAINTEXT_REFUSED, proxyLogIn } from '../pop3-login.js';
import type { MmpCommandHandler } from './types.js';

/**
 * RFC 1939 7 PASS: the rest of the line as sent (a password may hold spaces).
 * Whatever happens, the USER name is used up: a retry starts with USER again.
 */
export const pass: MmpCommandHandler = {
  async run(ctx, args) {
    if (!ctx.plaintextAllowed()) return ctx.err(PLAINTEXT_REFUSED);
    const login = ctx.session.pendingUser;
    if (login === undefined) return ctx.protocolError('Send USER first');
    ctx.session.pendingUser = undefined;
    await proxyLogIn(ctx, 'USER', login, args);
  },
};
