import type { HostSpec } from '../api/world-spec.js';
import { MailError } from '../core/mail-error.js';
import type { DirectoryClient, DirectoryRecipient, DirectoryUser } from '../directory/client.js';
import { deliveryVerdict } from '../directory/mail-user-status.js';
import type { SiteDomains } from './address.js';
import type { Route } from './route.js';

/** One address an expansion leads to; `route` when it is already decided (a forward's own copy). */
export interface ExpansionTarget {
  address: string;
  originalAddress: string;
  route?: Route;
}

export type RoutingDecision =
  | { kind: 'route'; route: Route }
  /** Replace the recipient by others (group members, forwarding addresses). */
  | { kind: 'expand'; into: ExpansionTarget[]; reason: string }
  | { kind: 'fail'; error: MailError };

/**
 * Not now: try this recipient again on the retry schedule (the mailbox is inactive,
 * over quota or on hold). `hold` is set for mailUserStatus `hold`, which is an
 * administrator's choice rather than a failure.
 */
export interface RoutingDeferral {
  kind: 'defer';
  error: MailError;
  hold: boolean;
}

/** Everything `decide` can answer. */
export type RoutingOutcome = RoutingDecision | RoutingDeferral;

export interface RouterOptions {
  directory: DirectoryClient;
  siteDomains: SiteDomains;
  hosts: HostSpec[];
}

/**
 * The router reads the directory, over LDAP, for every site recipient and decides,
 * per recipient (principle 3), where the message goes next.
 */
export class Router {
  private readonly hostRoles: Map<string, HostSpec['role']>;
  private readonly smarthost: string | undefined;

  constructor(private readonly opts: RouterOptions) {
    this.hostRoles = new Map(opts.hosts.map((h) => [h.name.toLowerCase(), h.role]));
    this.smarthost = opts.hosts.find((h) => h.role === 'smarthost')?.name;
  }

  /**
   * `decide`, for callers that know only route / expand / fail: a deferral is thrown
   * as its temporary MailError, which a delivery pass already treats as "defer this
   * recipient" (as it does a directory that cannot be reached).
   */
  async resolve(
    address: string,
    trace: { traceId: string; spanId: string },
    rcptLookup?: DirectoryRecipient,
  ): Promise<RoutingDecision> {
    const outcome = await this.decide(address, trace, rcptLookup);
    if (outcome.kind === 'defer') throw outcome.error;
    return outcome;
  }

  /**
   * `rcptLookup` is the entry the RCPT check of this very message found moments ago
   * (the first pass of mail delivered at once): deciding with it is deciding with what
   * the directory says now, without a second search. Retries always search again.
   */
  async decide(
    address: string,
    trace: { traceId: string; spanId: string },
    rcptLookup?: DirectoryRecipient,
  ): Promise<RoutingOutcome> {
    const domainHost = this.opts.siteDomains.hostFor(address);
    if (!domainHost) return this.internetRoute(address);
    const entry = rcptLookup ?? (await this.opts.directory.findRecipient(address, 'route', trace));
    if (!entry) {
      // A domain held by another messaging server on the LAN: that server knows its users.
      if (this.hostRoles.get(domainHost.toLowerCase()) === 'lan-mta') {
        return route('lan', 'tcp_intranet', domainHost, `domain held by the LAN messaging server ${domainHost}`);
      }
      return fail(550, '5.1.1', `<${address}>: no such user in the directory`);
    }
    if (entry.kind === 'group') {
      return {
        kind: 'expand',
        into: entry.members.map((member) => ({ address: member, originalAddress: address })),
        reason: `group ${entry.cn}: ${entry.members.length} members`,
      };
    }
    return this.userRoute(address, entry);
  }

  private userRoute(address: string, user: DirectoryUser): RoutingOutcome {
    // The status is read again at every pass, not only at RCPT: it may have changed
    // while the message waited in the queue.
    //
    // `hold` defers rather than holding the queued message (the queue's operator
    // hold): a hold here belongs to one recipient, and the other recipients of the
    // same message must not wait for it. Because every retry reads the directory
    // again, the mail leaves on the first pass after the status changes, with no
    // operator release to forget, and the sender sees only a delay. Until
    // MessageDelivery treats `hold: true` specially, a hold outlasting the whole retry
    // schedule ends in a bounce, like any deferral.
    const verdict = deliveryVerdict(user.status, address, user.uid);
    if (verdict.kind === 'fail') return { kind: 'fail', error: verdict.error };
    if (verdict.kind === 'defer') return { kind: 'defer', error: verdict.error, hold: verdict.hold };
    const mailboxRoute = this.mailHostRoute(user);
    const options = user.deliveryOptions.length > 0 ? user.deliveryOptions : ['mailbox'];
    if (options.includes('forward') && user.forwardingAddresses.length > 0) {
      const into: ExpansionTarget[] = user.forwardingAddresses.map((forward) => ({
        address: forward,
        originalAddress: address,
      }));
      // Keep a copy here too: the child carries its route, so it is not looked up (and forwarded) again.
      if (options.includes('mailbox') && mailboxRoute.kind === 'route') {
        into.push({ address: user.mail, originalAddress: address, route: { ...mailboxRoute.route, pinned: true } });
      }
      return { kind: 'expand', into, reason: `forwarding of ${user.uid} to ${user.forwardingAddresses.join(', ')}` };
    }
    // An alternate address (postmaster@ → alice) is rewritten to the canonical one, which the store knows.
    if (mailboxRoute.kind === 'route' && address.toLowerCase() !== user.mail.toLowerCase()) {
      return {
        kind: 'expand',
        into: [{ address: user.mail, originalAddress: address }],
        reason: `alternate address of ${user.uid}`,
      };
    }
    return mailboxRoute;
  }

  private mailHostRoute(user: DirectoryUser): RoutingDecision {
    const role = this.hostRoles.get(user.mailHost.toLowerCase());
    if (role === 'store') return route('store', 'ims-ms', user.mailHost, `mailHost of ${user.uid}`);
    if (role === 'lan-mta') return route('lan', 'tcp_intranet', user.mailHost, `mailHost of ${user.uid} is on the LAN`);
    return fail(550, '5.3.0', `<${user.mail}>: mailHost ${user.mailHost} is not a message store`);
  }

  private internetRoute(address: string): RoutingDecision {
    if (!this.smarthost) return fail(550, '5.4.4', `<${address}>: no smarthost to reach the Internet`);
    return route('smarthost', 'tcp_local', this.smarthost, 'not a site domain: via the smarthost');
  }
}

function route(kind: Route['kind'], channel: Route['channel'], host: string, reason: string): RoutingDecision {
  return { kind: 'route', route: { kind, channel, host, reason } };
}

function fail(code: number, enhanced: string, text: string): RoutingDecision {
  return { kind: 'fail', error: new MailError({ code, enhanced, publicText: text, component: 'router' }) };
}
