import { waitMs } from './failure-delay.js';
import { logInAtImapBackend, type ImapBackendLogin } from './imap-backend.js';
import type { MmpImapContext } from './imap-commands.js';
import type { MmpAccount, MmpImapLoginMechanism } from './imap-types.js';

const DEFAULT_MAX_FAILED_LOGINS = 3;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** RFC 3501 6.2.3 / RFC 8314: plaintext credentials only over TLS unless this address allows them. */
export const PRIVACY_REQUIRED =
  '[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure connections; use STARTTLS first';

/** CR, LF or NUL (possible through AUTHENTICATE PLAIN's base64) could smuggle commands into the back-end LOGIN. */
const UNSAFE_IN_CREDENTIALS = /[\r\n\0]/;

/**
 * LOGIN and AUTHENTICATE PLAIN at the MMP: directory first (a wrong password never
 * reaches a store host), then LOGIN at the user's store host with the same
 * credentials, then the byte relay.
 */
export async function proxyImapLogIn(
  ctx: MmpImapContext,
  tag: string,
  mechanism: MmpImapLoginMechanism,
  login: string,
  password: string,
): Promise<void> {
  if (UNSAFE_IN_CREDENTIALS.test(login) || UNSAFE_IN_CREDENTIALS.test(password)) {
    return refuseImapLogin(ctx, tag, mechanism, login, 'control characters in credentials');
  }
  let account: MmpAccount | undefined;
  try {
    account = await ctx.options.authenticate(login, password, ctx.session.remoteAddress);
  } catch {
    ctx.tagged(tag, 'NO [UNAVAILABLE] Authentication service unavailable, try again later');
    return ctx.trace.failed(login, 'directory unavailable');
  }
  if (ctx.closing) return;
  if (account === undefined) return refuseImapLogin(ctx, tag, mechanism, login, 'invalid credentials');
  ctx.failures.reset(ctx.session.remoteAddress);
  ctx.trace.authenticated(account.mail, account.mailHost);
  await connectBackend(ctx, tag, account, login, password);
}

/** A failed login: the growing delay, then NO; the last failure allowed also says BYE and closes. */
export async function refuseImapLogin(
  ctx: MmpImapContext,
  tag: string,
  mechanism: MmpImapLoginMechanism,
  login: string,
  reason: string,
): Promise<void> {
  const delayMs = ctx.failures.recordFailure(ctx.session.remoteAddress);
  await waitMs(delayMs, ctx.signal);
  if (ctx.closing) return;
  const max = ctx.options.maxFailedLogins ?? DEFAULT_MAX_FAILED_LOGINS;
  const failures = ++ctx.session.failedLogins;
  ctx.tagged(tag, 'NO [AUTHENTICATIONFAILED] Authentication failed');
  ctx.trace.authFailed(mechanism, login, reason);
  if (failures >= max) {
    ctx.send('* BYE Too many authentication failures');
    ctx.close('error');
  }
}

async function connectBackend(ctx: MmpImapContext, tag: string, account: MmpAccount, login: string, password: string) {
  const { mail, mailHost } = account;
  const unavailable = `NO [UNAVAILABLE] Mailbox server ${mailHost} is unavailable`;
  const target = ctx.options.backend(mailHost);
  if (!target) {
    ctx.tagged(tag, unavailable);
    return ctx.trace.failed(mail, `no IMAP back end for ${mailHost}`);
  }
  const result: ImapBackendLogin = await logInAtImapBackend({
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
    ctx.tagged(tag, unavailable);
    return ctx.trace.failed(mail, `${mailHost} (${target.host}:${target.port}): ${result.reason}`);
  }
  if (result.kind === 'refused') {
    // The back end's own words: the client knows best what they mean.
    ctx.tagged(tag, `NO ${result.text}`);
    return ctx.trace.failed(mail, `${mailHost} refused the login: ${result.text}`);
  }
  const code = result.capabilities ? `[CAPABILITY ${result.capabilities}] ` : '';
  ctx.beginRelay(result.socket, result.leftover, `${tag} OK ${code}Logged in`);
  ctx.trace.proxied(mail, mailHost, target.port);
}
