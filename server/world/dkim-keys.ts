import type { WorldSpec } from '../api/world-spec.js';
import type { Tracer } from '../core/tracer.js';
import type { ZoneTable } from '../dns/zones.js';
import { domainOf } from '../mta/address.js';
import { createDkimSigner, type DkimSigner } from '../verdict/dkim-signer.js';

/**
 * Signs a message; `announce` traces the signature, to be called once the signed
 * message is committed (the trace states facts, and an uncommitted one is not yet).
 */
export type SignFunction = (raw: Buffer, queueId: string) => Promise<SignedMessage>;

export interface SignedMessage {
  raw: Buffer;
  announce?: () => void;
}
export type SignerFor = (domain: string, node: string) => SignFunction | undefined;

/**
 * DKIM keys for the domains that send mail in this world — the site's (signed by
 * the smarthost) and each Internet domain's (signed by its MX) — made once per data
 * dir and published in the lab's DNS at `<selector>._domainkey.<domain>`, so the
 * verdict step at the receiving end can really verify them.
 */
export async function startDkim(opts: {
  spec: WorldSpec;
  dataDir: string;
  zones: ZoneTable | undefined;
  tracer: Tracer;
}): Promise<SignerFor> {
  const { spec, zones } = opts;
  if (!zones) return () => undefined;
  const selector = spec.settings.dkimSelector;
  const domains = new Set([
    ...spec.site.domains.map((d) => d.name.toLowerCase()),
    ...spec.internet.mailboxes.map((b) => domainOf(b.address)),
  ]);
  const signers = new Map<string, DkimSigner>();
  // Key generation runs on libuv's pool: first start of a world makes them side by side.
  await Promise.all(
    [...domains].map(async (domain) => {
      if (!zones.zoneFor(domain)) return; // a domain the lab's DNS does not serve cannot publish a key
      const signer = await createDkimSigner({ domain, selector, dataDir: opts.dataDir });
      zones.setRecords(`${selector}._domainkey.${domain}`, 'TXT', [signer.publicKeyTxt()]);
      signers.set(domain, signer);
    }),
  );
  return (domain, node) => {
    const signer = signers.get(domain.toLowerCase());
    if (!signer) return undefined;
    return async (raw, queueId) => ({
      raw: await signer.sign(raw),
      announce: () =>
        opts.tracer.emit({
          kind: 'dkim.signed',
          node,
          traceId: queueId,
          spanId: queueId,
          data: { queueId, domain: signer.domain, selector: signer.selector },
        }),
    });
  };
}
