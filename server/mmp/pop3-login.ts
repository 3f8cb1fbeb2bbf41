import { waitMs } from './failure-delay.js';
import { logInAtBackend } from './pop3-backend.js';
import type { MmpCommandContext } from './pop3-commands/types.js';
import type { MmpAccount, MmpLoginMechanism } from './pop3-types.js';

const DEFAULT_MAX_FAILED_LOGINS = 3;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** RFC 2595 / RFC 5034: plaintext credentials only over TLS, unless this client address allows them. */
export const PLAINTEXT_REFUSED = '[AUTH] Plaintext authentication disallowed on non-secure connections; use STLS first';

/**
 * CR, LF or NUL would let credentials from AUTH PLAIN (base64, so anything goes)
 * smuggle extra commands into the back-end USER/PASS lines.
 */
const UNSAFE_IN_CREDENTIALS = /[\r\n\0]/;

/**
 * The end of USER/PASS and AUTH PLAIN at the MMP: check the login against the
 * directory, find the user's store host, log in there with the same credentials,
 * and hand the connection to the relay. The directory is asked before any back
 * end is touched, so a wrong password never reaches a store host.
 */
export async function proxyLogIn(
  ctx: MmpCommandContext,
  mechanism: MmpLoginMechanism,
  login: string,
  password: string,
): Promise<void> {
  if (UNSAFE_IN_CREDENTIALS.test(login) || UNSAFE_IN_CREDENTIALS.test(password)) {
    return refuseLogin(ctx, mechanism, login, 'control characters in credentials');
  }
  let account: MmpAccount | undefined;
  try {
    account = await ctx.options.authenticate(login, password, ctx.session.remoteAddress);
  } catch {
    ctx.err('[SYS/TEMP] Authentication service unavailable, try again later');
    return ctx.trace.failed(login, 'directory unavailable');
  }
  if (ctx.closing) return;
  if (account === undefined) return refuseLogin(ctx, mechanism, login, 'invalid credentials');
  ctx.failures.reset(ctx.session.remoteAddress);
  ctx.trace.authenticated(account.mail, account.mailHost);
  await connectBackend(ctx, account, login, password);
}

/**
 * A failed login: wait the growing delay for this address, then say so; the last
 * failure allowed also ends the connection. Commands behind it wait too (they run
 * in order), which is the point.
 */
export async function refuseLogin(
  ctx: MmpCommandContext,
  mechanism: MmpLoginMechanism,
  login: string,
  reason: string,
): Promise<void> {
  const delayMs = ctx.failures.recordFailure(ctx.session.remoteAddress);
  await waitMs(delayMs, ctx.signal);
  if (ctx.closing) return;
  const max = ctx.options.maxFailedLogins ?? DEFAULT_MAX_FAILED_LOGINS;
  const failures = ++ctx.session.failedLogins;
  if (failures < max) ctx.err('[AUTH] Authentication failed');
  else ctx.err('[AUTH] Authentication failed; too many failures, closing connection');
  ctx.trace.authFailed(mechanism, login, reason);
  if (failures >= max) ctx.close('error');
}

async function connectBackend(ctx: MmpCommandContext, account: MmpAccount, login: string, password: string) {
  const { mail, mailHost } = account;
  const unavailable = `[SYS/TEMP] Mailbox server ${mailHost} is unavailable, try again later`;
  const target = ctx.options.backend(mailHost);
  if (!target) {
    ctx.err(unavailable);
    return ctx.trace.failed(mail, `no POP3 back end for ${mailHost}`);
  }
  const result = await logInAtBackend({
    target,
    login,
    password,
    timeoutMs: ctx.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    signal: ctx.signal,
    forward: {
      node: ctx.options.node,
      sessionId: ctx.session.id,
      remoteAddress: ctx.session.remoteAddress,
      remotePort: ctx.session.remotePort,
    },
  });
  if (ctx.closing) {
    if (result.kind === 'ok') result.socket.destroy();
    return;
  }
  if (result.kind === 'unavailable') {
    ctx.err(unavailable);
    return ctx.trace.failed(mail, `${mailHost} (${target.host}:${target.port}): ${result.reason}`);
  }
  if (result.kind === 'refused') {
    // The back end's own words (e.g. [IN-USE]): the client knows best what they mean.
    ctx.writeStatusLine(result.reply);
    return ctx.trace.failed(mail, `${mailHost} refused the login: ${result.reply}`);
  }
  ctx.beginRelay(result);
  ctx.trace.proxied(mail, mailHost, target.port);
}
