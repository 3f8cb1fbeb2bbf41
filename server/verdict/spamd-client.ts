import net from 'node:net';

/**
 * A client for SpamAssassin's spamd, speaking the SPAMC/1.5 protocol the way spamc
 * does: one request per TCP connection, a header block, the message, and spamd's
 * answer ("SPAMD/1.1 0 EX_OK", a "Spam: True ; 15.0 / 5.0" header, and for SYMBOLS a
 * body listing the rules that hit). Used only when the world names a spamd.
 */
export interface SpamdRequest {
  host: string;
  port: number;
  raw: Buffer;
  /** CHECK answers the score only; SYMBOLS also names the rules (default). */
  command?: 'CHECK' | 'SYMBOLS';
  /** Wall-clock limit for connect + answer (default 10 s). */
  timeoutMs?: number;
}

export interface SpamdReply {
  isSpam: boolean;
  score: number;
  /** spamd's own required score (the lab decides with its own threshold). */
  threshold: number;
  /** Rule names (SYMBOLS only). */
  symbols: string[];
}

/** An answer bigger than this is not spamd talking. */
const MAX_REPLY_BYTES = 64 * 1024;

export function spamdCheck(req: SpamdRequest): Promise<SpamdReply> {
  const command = req.command ?? 'SYMBOLS';
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    let settled = false;
    const finish = (err: Error | undefined, reply?: SpamdReply) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(reply as SpamdReply);
    };
    const socket = net.connect({ host: req.host, port: req.port }, () => {
      socket.write(`${command} SPAMC/1.5\r\nContent-length: ${req.raw.length}\r\n\r\n`);
      // Half-close after the message, as spamc does: spamd then knows the request is complete.
      socket.end(req.raw);
    });
    socket.setTimeout(req.timeoutMs ?? 10_000, () => finish(new Error('spamd did not answer in time')));
    socket.on('data', (chunk: Buffer) => {
      sizeBytes += chunk.length;
      if (sizeBytes > MAX_REPLY_BYTES) return finish(new Error('spamd answer too large'));
      chunks.push(chunk);
    });
    socket.on('error', (err) => finish(err));
    socket.on('close', () => {
      if (settled) return;
      try {
        finish(undefined, parseSpamdReply(Buffer.concat(chunks).toString('latin1')));
      } catch (err) {
        finish(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

/** Parses spamd's answer; throws an Error naming what was wrong. */
export function parseSpamdReply(text: string): SpamdReply {
  const headerEnd = text.indexOf('\r\n\r\n');
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const body = headerEnd < 0 ? '' : text.slice(headerEnd + 4);
  const [statusLine = '', ...fields] = head.split('\r\n');
  const status = /^SPAMD\/\d+\.\d+\s+(\d+)\s+(.*)$/.exec(statusLine);
  if (!status) throw new Error(`not a spamd answer: ${statusLine.slice(0, 80) || '(nothing)'}`);
  if (status[1] !== '0') throw new Error(`spamd said ${status[1]} ${status[2]}`);
  const spamField = fields.find((f) => /^Spam\s*:/i.test(f));
  const spam = spamField && /:\s*(True|False|Yes|No)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/i.exec(spamField);
  if (!spam) throw new Error('spamd answer has no Spam: header');
  const symbols = body
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => /^[A-Za-z0-9_]+$/.test(s));
  return {
    isSpam: /^(True|Yes)$/i.test(spam[1] as string),
    score: Number(spam[2]),
    threshold: Number(spam[3]),
    symbols,
  };
}
