import { mayAccessMailbox } from '../directory/mail-user-status.js';
import type { HostSpec, ServiceProtocol, WorldSettings } from '../api/world-spec.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { WorldServices } from './services.js';
import { internalBindAddress, isLoopback } from '../core/net-address.js';
import type { TlsMaterial } from '../core/tls-cert.js';
import type { Tracer } from '../core/tracer.js';
import type { DirectoryClient } from '../directory/client.js';
import { MmpImapProxy } from '../mmp/imap-proxy.js';
import { MmpPop3Proxy } from '../mmp/pop3-proxy.js';

export interface StartMmpOptions {
  settings: WorldSettings;
  tracer: Tracer;
  tls: TlsMaterial;
  lifecycle: Lifecycle;
  /** A directory client whose lookups are traced as coming from the MMP. */
  directory: DirectoryClient;
  /** The port a store host's back-end service listens on (loopback), if it has one. */
  backendPort: (storeHost: string, protocol: ServiceProtocol) => number | undefined;
  listen: WorldServices['listen'];
}

/**
 * The Mail Multiplexor Proxy: what mail clients connect to for IMAP and POP3.
 * It checks the login with an LDAP bind, reads the user's mailHost, and relays the
 * session to that store host's back end.
 */
export async function startMmp(host: HostSpec, opts: StartMmpOptions): Promise<void> {
  const internal = internalBindAddress(opts.settings.bindAddress);
  const authenticate = async (login: string, password: string, remoteAddress: string) => {
    const user = await opts.directory.authenticate(login, password, 'MMP login');
    if (!user || !mayAccessMailbox(user.status)) return undefined;
    // The lab's "password = user name" accounts are for this machine only (as for SMTP AUTH).
    if (password === user.uid && !isLoopback(remoteAddress)) return undefined;
    return { mail: user.mail, mailHost: user.mailHost };
  };
  const pop3 = new MmpPop3Proxy({
    hostname: host.name,
    node: host.name,
    tracer: opts.tracer,
    tls: opts.tls,
    allowInsecureAuth: (address) => isLoopback(address),
    authenticate,
    backend: (mailHost) => {
      const port = opts.backendPort(mailHost, 'pop3');
      return port === undefined ? undefined : { host: internal, port };
    },
  });
  const port = await opts.listen(host, 'pop3', pop3);
  if (port !== undefined) opts.lifecycle.add(`${host.name} pop3`, () => pop3.close());

  const imap = new MmpImapProxy({
    hostname: host.name,
    node: host.name,
    tracer: opts.tracer,
    tls: opts.tls,
    allowInsecureAuth: (address) => isLoopback(address),
    authenticate,
    backend: (mailHost) => {
      const backendPort = opts.backendPort(mailHost, 'imap');
      return backendPort === undefined ? undefined : { host: internal, port: backendPort };
    },
  });
  const imapPort = await opts.listen(host, 'imap', imap);
  if (imapPort !== undefined) opts.lifecycle.add(`${host.name} imap`, () => imap.close());
}
