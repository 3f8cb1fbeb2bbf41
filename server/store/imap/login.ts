import type { CommandContext, CommandResult } from './commands/types.js';
import { ImapNoError } from './syntax/types.js';

/**
 * The common end of LOGIN and AUTHENTICATE PLAIN: ask the injected authenticator,
 * enter the authenticated state, and trace the outcome either way.
 */
export async function completeLogin(
  ctx: CommandContext,
  mechanism: string,
  login: string,
  password: string,
): Promise<CommandResult> {
  let address: string | undefined;
  try {
    address = await ctx.options.authenticate(login, password, ctx.remoteAddress);
  } catch {
    ctx.trace.authFailed(mechanism, login, 'unavailable');
    throw new ImapNoError('Cannot check credentials now, try again later', 'UNAVAILABLE');
  }
  if (!address) {
    ctx.trace.authFailed(mechanism, login, 'bad credentials');
    throw new ImapNoError('Authentication failed', 'AUTHENTICATIONFAILED');
  }
  ctx.address = address;
  ctx.state = 'authenticated';
  ctx.trace.authSucceeded(mechanism, login);
  return { code: `CAPABILITY ${ctx.capabilities().join(' ')}`, text: 'Logged in' };
}

/** RFC 3501 §6.2.3 / RFC 2595 §6: no plaintext passwords on a link that does not allow them. */
export function requirePlaintextAllowed(ctx: CommandContext): void {
  if (!ctx.plaintextAllowed())
    throw new ImapNoError('Plaintext authentication disallowed without TLS', 'PRIVACYREQUIRED');
}
