import type { WorldBasics } from './host-basics.js';
import { mayAccessMailbox } from '../directory/mail-user-status.js';
import { join } from 'node:path';
import type { HostSpec, WorldSpec } from '../api/world-spec.js';
import type { WorldServices } from './services.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { internalBindAddress } from '../core/net-address.js';
import type { DirectoryClient } from '../directory/client.js';
import { ImapServer } from '../store/imap/server.js';
import { Pop3Server } from '../store/pop3/server.js';
import { StoreHost } from './store-host.js';

export interface StartStoreOptions extends WorldBasics {
  spec: WorldSpec;
  dataDir: string;
  lifecycle: Lifecycle;
  /** A directory client whose lookups are traced as coming from this store host. */
  directory: DirectoryClient;
  listen: WorldServices['listen'];
}

/**
 * A message store host and its doors: LMTP for the MTA's deliveries, IMAP and POP3 for
 * the Mail Multiplexor Proxy. All are back-end services, reached by the MTA and the MMP
 * on this machine: they listen on loopback whatever --bind says.
 */
export async function startStoreHost(host: HostSpec, opts: StartStoreOptions): Promise<StoreHost> {
  const { lifecycle } = opts;
  const internal = internalBindAddress(opts.settings.bindAddress);
  const storeHost = new StoreHost({
    name: host.name,
    dataFile: join(opts.dataDir, 'stores', `${host.name}.sqlite`),
    clock: opts.clock,
    tracer: opts.tracer,
    maxMessageSizeBytes: opts.settings.maxMessageSizeBytes,
    users: opts.spec.users
      .filter((u) => u.mailHost.toLowerCase() === host.name.toLowerCase())
      .map((u) => ({ address: u.mail, login: u.uid })),
  });
  lifecycle.add(`store ${host.name}`, () => storeHost.close());
  await opts.listen(host, 'lmtp', storeHost.lmtpListener, internal);

  // Only the store that holds the mailbox answers for it.
  const authenticateHere = (purpose: string) => async (login: string, password: string) => {
    const user = await opts.directory.authenticate(login, password, purpose);
    if (!user || !mayAccessMailbox(user.status) || user.mailHost.toLowerCase() !== host.name.toLowerCase()) {
      return undefined;
    }
    return user.mail;
  };
  const backEnd = {
    hostname: host.name,
    node: host.name,
    tracer: opts.tracer,
    store: storeHost.store,
    tls: opts.tls,
    // The back ends listen on loopback only; clients from elsewhere come through the MMP.
    allowInsecureAuth: () => true,
  };
  const pop3 = new Pop3Server({ ...backEnd, authenticate: authenticateHere('POP3 login') });
  const pop3Port = await opts.listen(host, 'pop3', pop3, internal);
  if (pop3Port !== undefined) lifecycle.add(`store ${host.name} pop3`, () => pop3.close());
  const imap = new ImapServer({ ...backEnd, authenticate: authenticateHere('IMAP login') });
  const imapPort = await opts.listen(host, 'imap', imap, internal);
  if (imapPort !== undefined) lifecycle.add(`store ${host.name} imap`, () => imap.close());
  return storeHost;
}
