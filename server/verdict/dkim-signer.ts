import { createPublicKey, generateKeyPair } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { dkimSign } from 'mailauth';
import type { Tracer } from '../core/tracer.js';

/**
 * Signs the site's outgoing mail with DKIM (RFC 6376), as the smarthost does before
 * mail leaves for the Internet. The RSA key is made once per data folder and kept
 * in <dataDir>/dkim/<domain>.<selector>.pem, so signatures stay verifiable after a
 * restart; the public half is what the site publishes at <selector>._domainkey.<domain>.
 */
export interface DkimSignerOptions {
  domain: string;
  selector: string;
  dataDir: string;
  /** World clock for the signature's t= tag (default: the machine's clock). */
  now?: () => number;
}

export interface DkimSignTrace {
  tracer: Tracer;
  node: string;
  queueId: string;
}

export interface DkimSigner {
  readonly domain: string;
  readonly selector: string;
  /** Where the key lives. */
  readonly keyFile: string;
  /** The TXT record value: "v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>". */
  publicKeyTxt(): string;
  /** The same value cut into DNS character-strings of at most 255 bytes (RFC 1035 §3.3.14). */
  publicKeyTxtStrings(): string[];
  /** The message with a DKIM-Signature field prepended; emits dkim.signed when `trace` is given. */
  sign(raw: Buffer, trace?: DkimSignTrace): Promise<Buffer>;
}

const generateKeyPairAsync = promisify(generateKeyPair);
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

export async function createDkimSigner(opts: DkimSignerOptions): Promise<DkimSigner> {
  const domain = opts.domain.toLowerCase();
  // Both end up in a file name: only DNS labels, never a path.
  if (!domain.split('.').every((l) => LABEL.test(l))) throw new Error(`not a domain name: ${opts.domain}`);
  if (!LABEL.test(opts.selector)) throw new Error(`not a DKIM selector: ${opts.selector}`);
  const keyFile = path.join(opts.dataDir, 'dkim', `${domain}.${opts.selector}.pem`);
  const privateKeyPem = await loadOrCreateKey(keyFile);
  const spkiBase64 = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' }).toString('base64');
  const txt = `v=DKIM1; k=rsa; p=${spkiBase64}`;
  const now = opts.now ?? Date.now;

  return {
    domain,
    selector: opts.selector,
    keyFile,
    publicKeyTxt: () => txt,
    publicKeyTxtStrings: () => txt.match(/.{1,255}/g) ?? [],
    async sign(raw, trace) {
      const result = await dkimSign(raw, {
        signingDomain: domain,
        selector: opts.selector,
        privateKey: privateKeyPem,
        canonicalization: 'relaxed/relaxed',
        algorithm: 'rsa-sha256',
        signTime: new Date(now()),
        signatureData: [{ signingDomain: domain, selector: opts.selector, privateKey: privateKeyPem }],
      });
      if (result.errors.length > 0 || !result.signatures) {
        const first = result.errors[0];
        throw new Error(`DKIM signing failed: ${first instanceof Error ? first.message : 'no signature'}`, {
          cause: first,
        });
      }
      const signed = Buffer.concat([Buffer.from(result.signatures, 'latin1'), raw]);
      trace?.tracer.emit({
        kind: 'dkim.signed',
        node: trace.node,
        traceId: trace.queueId,
        spanId: trace.queueId,
        data: { queueId: trace.queueId, domain, selector: opts.selector },
      });
      return signed;
    },
  };
}

/** Reads the key, or makes one; two worlds starting on one folder agree on the first key written. */
async function loadOrCreateKey(keyFile: string): Promise<string> {
  try {
    return await fs.promises.readFile(keyFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await fs.promises.mkdir(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  // Write aside, then link into place: a crash never leaves half a key, and link()
  // refuses to replace a key another process put there meanwhile (first one wins).
  const tmpFile = `${keyFile}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.promises.open(tmpFile, 'wx', 0o600);
  try {
    await handle.writeFile(privateKey);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.link(tmpFile, keyFile);
    return privateKey;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return fs.promises.readFile(keyFile, 'utf8');
  } finally {
    await fs.promises.rm(tmpFile, { force: true });
  }
}
