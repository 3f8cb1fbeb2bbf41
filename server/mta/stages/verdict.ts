import type { TracePayloads } from '../../api/trace.js';
import { MailError } from '../../core/mail-error.js';
import type { Tracer } from '../../core/tracer.js';
import { hasHeader, headerBlock, headerValue } from '../headers.js';
import type { IncomingMessage, MessageStage } from './types.js';

/**
 * The anti-spam / anti-virus step, kept small and explainable for a classroom. It
 * recognises the industry's standard test patterns — GTUBE (SpamAssassin's "this is
 * spam" string) and the EICAR anti-virus test file — plus a few header heuristics,
 * and says why. A virus is refused before acceptance (554 5.7.1, no backscatter);
 * spam is accepted and tagged (X-Spam-Flag), and the store files it in Junk.
 */
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

type Verdict = TracePayloads['verdict.given'];

export function judge(raw: Buffer, spamThreshold: number): Omit<Verdict, 'queueId'> {
  const reasons: string[] = [];
  let score = 0;
  let virus: Verdict['virus'] = 'clean';
  // EICAR may also arrive base64-encoded in an attachment; a real scanner decodes MIME.
  // The lab checks the plain and the base64 form of the pattern's start.
  if (
    raw.includes(EICAR) ||
    raw.includes('WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNULUZJTEUhJEgrSCo')
  ) {
    virus = 'infected';
    reasons.push('EICAR-Test-File');
  }
  if (raw.includes(GTUBE)) {
    score += 1000;
    reasons.push('GTUBE');
  }
  const block = headerBlock(raw);
  if (!hasHeader(block, 'Date')) {
    score += 1;
    reasons.push('MISSING_DATE');
  }
  if (!hasHeader(block, 'Message-ID')) {
    score += 1;
    reasons.push('MISSING_MID');
  }
  const subject = headerValue(block, 'Subject') ?? '';
  if (subject.length >= 10 && subject === subject.toUpperCase() && /[A-Z]/.test(subject)) {
    score += 1.5;
    reasons.push('SUBJ_ALL_CAPS');
  }
  return { spam: score >= spamThreshold ? 'spam' : 'clean', virus, score, reasons };
}

export function verdictStage(opts: { node: string; tracer: Tracer; spamThreshold: number }): MessageStage {
  return {
    name: 'verdict',
    run(message: IncomingMessage) {
      const verdict = judge(message.raw, opts.spamThreshold);
      opts.tracer.emit({
        kind: 'verdict.given',
        node: opts.node,
        traceId: message.queueId,
        spanId: message.queueId,
        data: { queueId: message.queueId, ...verdict },
      });
      if (verdict.virus === 'infected') {
        throw new MailError({
          code: 554,
          enhanced: '5.7.1',
          publicText: `Message rejected: virus found (${verdict.reasons[0]})`,
          component: 'verdict',
        });
      }
      const tests = verdict.reasons.join(',') || 'none';
      message.addHeaders.push(
        `X-Spam-Status: ${verdict.spam === 'spam' ? 'Yes' : 'No'}, score=${verdict.score} required=${opts.spamThreshold} tests=${tests}`,
      );
      if (verdict.spam === 'spam') message.addHeaders.push('X-Spam-Flag: YES');
    },
  };
}
