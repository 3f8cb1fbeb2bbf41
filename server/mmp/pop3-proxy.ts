import { MmpListener } from './mmp-listener.js';
import { MmpPop3Connection } from './pop3-connection.js';
import { MmpPop3SessionInfo } from './pop3-session-info.js';
import { MmpPop3Trace } from './pop3-trace.js';
import type { MmpPop3Options } from './pop3-types.js';

/**
 * The MMP's POP3 listener: it takes the client's login (USER/PASS or AUTH PLAIN,
 * after STLS if asked), checks it against the directory through the injected
 * `authenticate`, logs in at the user's store host with the same credentials and
 * then relays bytes both ways. It knows nothing of LDAP or of the stores' insides.
 */
export class MmpPop3Proxy extends MmpListener<MmpPop3Connection> {
  constructor(options: MmpPop3Options) {
    super(options, 'mmp-pop3-', (socket, client) => {
      const info = new MmpPop3SessionInfo(client.sessionId, client.remoteAddress, client.remotePort, client.localPort);
      return new MmpPop3Connection(socket, {
        options,
        info,
        trace: new MmpPop3Trace(options.tracer, options.node, info.id, 'pop3'),
        failures: client.failures,
        tlsContext: client.tlsContext,
        onClosed: client.onClosed,
      });
    });
  }
}
