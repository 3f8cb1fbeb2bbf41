import { MailError } from '../../core/mail-error.js';
import { domainOf } from '../../mta/address.js';
import type { Route } from '../../mta/route.js';
import type { RoutingDecision } from '../../mta/router.js';

export interface PeerRouterOptions {
  /** This host: where mail for its own domains is stored. */
  self: string;
  /** Domains whose mail ends here. */
  localDomains: Set<string>;
  hasMailbox(address: string): boolean;
  /** Send everything not local through this relay (the LAN server's smarthost); undefined = straight to MX. */
  smarthost?: string;
  /** Domains reached by their MX even when a smarthost is set (the site's own domains, for the LAN server). */
  directDomains?: Set<string>;
}

/**
 * The router of a host of the simulated world (LAN server, smarthost, Internet MTA).
 * Unlike the site MTA it asks no directory: its own domains end in its mailboxes,
 * anything else goes to the smarthost or, by DNS, to the domain's MX.
 */
export class PeerRouter {
  constructor(private readonly opts: PeerRouterOptions) {}

  async resolve(address: string): Promise<RoutingDecision> {
    const domain = domainOf(address);
    if (this.opts.localDomains.has(domain)) {
      if (this.opts.hasMailbox(address)) {
        return route({
          kind: 'store',
          channel: 'ims-ms',
          host: this.opts.self,
          reason: `a mailbox on ${this.opts.self}`,
        });
      }
      return {
        kind: 'fail',
        error: new MailError({
          code: 550,
          enhanced: '5.1.1',
          publicText: `<${address}>: no such user here`,
          component: 'router',
        }),
      };
    }
    if (this.opts.smarthost && !this.opts.directDomains?.has(domain)) {
      return route({
        kind: 'smarthost',
        channel: 'tcp_local',
        host: this.opts.smarthost,
        reason: `not a domain of ${this.opts.self}: via the smarthost`,
      });
    }
    return route({ kind: 'mx', channel: 'tcp_intranet', host: domain, reason: `MX lookup for ${domain}` });
  }
}

function route(r: Route): RoutingDecision {
  return { kind: 'route', route: r };
}
