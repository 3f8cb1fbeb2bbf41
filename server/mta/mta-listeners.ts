import type { FaultView } from '../core/faults.js';
import { isLoopback } from '../core/net-address.js';
import type { TlsMaterial } from '../core/tls-cert.js';
import { mayAccessMailbox } from '../directory/mail-user-status.js';
import type { LabResolver } from '../dns/resolver.js';
import { withFaultHooks } from './fault-hooks.js';
import { createListenerHooks, type MtaListener } from './listener-hooks.js';
import type { ListenerContext } from './listener-context.js';
import { SmtpServer } from './smtp/server.js';

export const MTA_LISTENERS: readonly MtaListener[] = ['smtp', 'submission'];

/** The site MTA's inbound (MX) and submission listeners, not yet listening. */
export function createMtaListeners(
  ctx: ListenerContext,
  faults: FaultView,
  tls: TlsMaterial,
): Record<MtaListener, SmtpServer> {
  const { directory, settings } = ctx;
  const authenticate = async (login: string, password: string, remoteAddress: string) => {
    const user = await directory.authenticate(login, password, 'SMTP AUTH');
    // A disabled account may not send, even with the right password.
    if (!user || !mayAccessMailbox(user.status)) return undefined;
    // The lab's "password = user name" accounts are for this machine only: with --bind
    // on a LAN they must not let anybody relay through the lab.
    if (password === user.uid && !isLoopback(remoteAddress)) return undefined;
    return user.mail;
  };
  const create = (listener: MtaListener) =>
    new SmtpServer({
      mode: 'smtp',
      protocol: listener,
      hostname: ctx.node,
      node: ctx.node,
      tracer: ctx.tracer,
      hooks: withFaultHooks(createListenerHooks(ctx, listener, authenticate), ctx.node, faults),
      reverseLookup: settings.reverseLookup ? (address) => reverseName(ctx.resolver, ctx.node, address) : undefined,
      greetingDelayMs: settings.greetingDelayMs,
      maxMessageSizeBytes: settings.maxMessageSizeBytes,
      maxRecipients: settings.maxRecipients,
      tls,
      // AUTH only on submission (RFC 6409), and in clear text only from this machine.
      auth:
        listener === 'submission'
          ? { methods: ['PLAIN', 'LOGIN'], required: true, allowInsecure: (address) => isLoopback(address) }
          : undefined,
    });
  return { smtp: create('smtp'), submission: create('submission') };
}

/** The SMTP client's name from the lab's DNS (PTR), for the Received field; undefined when it has none. */
async function reverseName(resolver: LabResolver, node: string, address: string): Promise<string | undefined> {
  const names = await resolver
    .reverse(address.replace(/^::ffff:/, ''), { callerNode: node, purpose: `PTR for ${address}` })
    .catch(() => []);
  return names[0];
}
