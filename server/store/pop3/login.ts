import type { CommandContext } from './commands/types.js';
import { Maildrop } from './maildrop.js';
import type { LoginMechanism } from './types.js';

const DEFAULT_MAX_FAILED_LOGINS = 3;

/** RFC 2595 / RFC 5034: plaintext credentials only over TLS, unless this listener allows them. */
export const PLAINTEXT_REFUSED = '[AUTH] Plaintext authentication disallowed on non-secure connections; use STLS first';

/**
 * The end of USER/PASS and AUTH PLAIN: check the password, take the maildrop lock,
 * snapshot the INBOX and enter TRANSACTION (RFC 1939 4). The lock comes after the
 * password so a stranger cannot learn that someone is reading the mailbox.
 */
export async function logIn(
  ctx: CommandContext,
  mechanism: LoginMechanism,
  login: string,
  password: string,
): Promise<void> {
  const { options, session, trace } = ctx;
  let address: string | undefined;
  try {
    address = await options.authenticate(login, password, session.remoteAddress);
  } catch {
    ctx.err('[SYS/TEMP] Authentication service unavailable, try again later');
    return trace.authFailed(mechanism, login, 'authentication service unavailable');
  }
  // The server may have shut down while the directory was asked: take no lock then.
  if (ctx.closing) return;
  if (address === undefined) return refuseLogin(ctx, mechanism, login, 'invalid credentials');
  if (!options.store.hasUser(address)) {
    ctx.err('[SYS/PERM] No mailbox for this user on this server');
    return trace.authFailed(mechanism, login, 'no mailbox on this store');
  }
  if (!ctx.locks.acquire(address, session.id)) {
    ctx.err('[IN-USE] Mailbox is locked by another session');
    return trace.authFailed(mechanism, login, 'maildrop locked by another session');
  }
  try {
    ctx.maildrop = Maildrop.open(options.store, address);
  } catch (err) {
    ctx.locks.release(address, session.id);
    throw err;
  }
  ctx.state = 'transaction';
  session.login = login;
  const { count, sizeBytes } = ctx.maildrop.stat();
  ctx.ok(`Logged in, ${count} messages (${sizeBytes} octets)`);
  trace.authSucceeded(mechanism, address);
}

/** A failed login; the last one allowed also ends the connection. */
export function refuseLogin(ctx: CommandContext, mechanism: LoginMechanism, login: string, reason: string): void {
  const max = ctx.options.maxFailedLogins ?? DEFAULT_MAX_FAILED_LOGINS;
  const failures = ++ctx.session.failedLogins;
  if (failures < max) ctx.err('[AUTH] Authentication failed');
  else ctx.err('[AUTH] Authentication failed; too many failures, closing connection');
  ctx.trace.authFailed(mechanism, login, reason);
  if (failures >= max) ctx.close('error');
}
