import { serveThread } from '../core/host-thread-worker.js';
import { DirectoryServer, type DirectoryServerOptions } from './server.js';
import type { SetUserStatusArgs } from './status-control.js';

/**
 * The directory host on its own thread: LDAP parsing and encoding for every lookup
 * of the MTA (and later the MMP) then runs beside the mail flow instead of in it.
 */
export interface DirectoryThreadInit {
  options: Omit<DirectoryServerOptions, 'limits'>;
  port: number;
  host: string;
}

/** Entry point (thread-boot.mjs): this thread's one server (a thread is one host). */
export function runThread(): void {
  let server: DirectoryServer | undefined;
  serveThread({
    async start(args) {
      const init = args as DirectoryThreadInit;
      server = new DirectoryServer(init.options);
      return server.listen(init.port, init.host);
    },
    async stop() {
      await server?.close();
    },
    // The tree lives here, so run-time changes are made here too: the next search,
    // from any connection, already sees them.
    setUserStatus(args) {
      if (!server) throw new Error('the directory is not started');
      const { who, status } = args as SetUserStatusArgs;
      return server.setUserStatus(who, status ?? undefined);
    },
  });
}
