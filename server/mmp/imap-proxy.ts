import { MmpImapConnection, MmpImapSessionInfo } from './imap-connection.js';
import { MmpImapTrace } from './imap-trace.js';
import type { MmpImapOptions } from './imap-types.js';
import { MmpListener } from './mmp-listener.js';

/**
 * The MMP's IMAP listener: it takes the client's login (LOGIN or AUTHENTICATE PLAIN,
 * after STARTTLS if asked), checks it against the directory through the injected
 * `authenticate`, logs in at the user's store host with the same credentials and
 * then relays bytes both ways. It knows nothing of LDAP or of the stores' insides.
 */
export class MmpImapProxy extends MmpListener<MmpImapConnection> {
  constructor(options: MmpImapOptions) {
    super(options, 'mmp-imap-', (socket, client) => {
      const info = new MmpImapSessionInfo(client.sessionId, client.remoteAddress, client.remotePort, client.localPort);
      return new MmpImapConnection(socket, {
        options,
        info,
        trace: new MmpImapTrace(options.tracer, options.node, info.id, 'imap'),
        failures: client.failures,
        tlsContext: client.tlsContext,
        onClosed: client.onClosed,
      });
    });
  }
}
