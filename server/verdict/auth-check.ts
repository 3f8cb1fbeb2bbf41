import { authenticate, type AuthenticateResult } from 'mailauth';
import type { LabResolver } from '../dns/resolver.js';
import { mailauthResolver } from './dns-adapter.js';
import type { AuthOutcome, ConnectionFacts } from './types.js';

/**
 * SPF (RFC 7208), DKIM (RFC 6376) and DMARC (RFC 7489) through mailauth, asking the
 * lab's DNS only. The answer is the three result words, the DMARC policy, and the
 * Received-SPF and Authentication-Results (RFC 8601) fields mailauth writes.
 * Never throws: a stuck or broken lookup becomes "temperror", as RFC 8601 says.
 */
export interface AuthCheckOptions {
  resolver: LabResolver;
  /** authserv-id of Authentication-Results and the DNS caller node. */
  node: string;
  traceId: string;
  connection: ConnectionFacts;
  timeoutMs: number;
}

export async function checkAuthentication(raw: Buffer, opts: AuthCheckOptions): Promise<AuthOutcome> {
  const { connection } = opts;
  const checks = authenticate(raw, {
    ip: connection.ip,
    helo: connection.helo,
    // Null sender (bounces): mailauth then checks postmaster@<helo>, as RFC 7208 §2.4 says.
    sender: connection.mailFrom || undefined,
    mta: opts.node,
    resolver: mailauthResolver(opts.resolver, { callerNode: opts.node, traceId: opts.traceId, spanId: opts.traceId }),
    // The lab teaches SPF, DKIM and DMARC; ARC and BIMI would add lookups nobody reads.
    disableArc: true,
    disableBimi: true,
  });
  let result: AuthenticateResult;
  try {
    result = await withTimeout(checks, opts.timeoutMs);
  } catch (err) {
    return unavailable(opts.node, err instanceof Error ? err.message : String(err));
  }
  return outcomeOf(result);
}

function outcomeOf(result: AuthenticateResult): AuthOutcome {
  const spf = result.spf ? result.spf.status.result : 'none';
  const signatures = result.dkim.results.filter((r) => r.signingDomain);
  const dkim = signatures.some((r) => r.status.result === 'pass') ? 'pass' : (signatures[0]?.status.result ?? 'none');
  const dmarc = result.dmarc ? result.dmarc.status.result : 'none';
  const dmarcPolicy = result.dmarc && result.dmarc.policy ? result.dmarc.policy.toLowerCase() : undefined;
  const fromDomain = result.dmarc ? result.dmarc.domain : undefined;
  return {
    spf,
    dkim,
    dmarc,
    dmarcPolicy,
    fromDomain,
    dkimSigned: signatures.length > 0,
    summary: summarize(spf, dkim, dmarc, dmarcPolicy),
    headerFields: splitFields(result.headers),
  };
}

function summarize(spf: string, dkim: string, dmarc: string, policy: string | undefined): string {
  return `spf=${spf} dkim=${dkim} dmarc=${dmarc}${policy ? ` (p=${policy})` : ''}`;
}

/** mailauth returns one string of fields; a field continues on lines that start with white space. */
export function splitFields(headers: string): string[] {
  return headers
    .replace(/\r?\n$/, '')
    .split(/\r?\n(?![ \t])/)
    .filter((field) => field.trim() !== '')
    .map((field) => field.replace(/\r?\n/g, '\r\n'));
}

function unavailable(node: string, reason: string): AuthOutcome {
  const comment = reason.replace(/[()\r\n\\]/g, ' ').slice(0, 120);
  return {
    spf: 'temperror',
    dkim: 'temperror',
    dmarc: 'temperror',
    dkimSigned: false,
    summary: `spf=temperror dkim=temperror dmarc=temperror (${comment})`,
    headerFields: [
      `Authentication-Results: ${node};\r\n spf=temperror (${comment});\r\n dkim=temperror;\r\n dmarc=temperror`,
    ],
  };
}

/** Wall-clock guard: DNS is the machine's business, not the story's, so it is not on the world clock. */
function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`DNS checks took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  // The late result of a timed-out check is dropped, and must not become an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
