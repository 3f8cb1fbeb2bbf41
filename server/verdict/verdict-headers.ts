import type { VerdictAction } from '../api/trace.js';

/**
 * The header fields the verdict step prepends. The lab always writes its own
 * X-Mailscope-Verdict and X-Spam-Status above the sender's fields, so the first of
 * each is the lab's and a sender cannot file its own mail (the store reads the first).
 */
export interface HeaderFacts {
  action: VerdictAction;
  spam: boolean;
  score: number;
  threshold: number;
  ruleNames: string[];
  virusNames: string[];
  engine: string;
  /** Received-SPF and Authentication-Results, already formatted. */
  authFields: string[];
}

export function verdictHeaderFields(f: HeaderFacts): string[] {
  const fields = [`X-Mailscope-Verdict: ${f.action}`];
  if (f.spam) fields.push('X-Spam-Flag: YES');
  // SpamAssassin's format, which mail programs and Sieve scripts already know.
  fields.push(
    `X-Spam-Status: ${f.spam ? 'Yes' : 'No'}, score=${f.score.toFixed(1)} required=${f.threshold.toFixed(1)} ` +
      `tests=${foldList(f.ruleNames)}`,
  );
  fields.push(`X-Spam-Checker-Version: ${f.engine.replace(/[\r\n]+/g, ' ')}`);
  fields.push(
    f.virusNames.length > 0 ? `X-Virus-Status: Infected (${f.virusNames.join(', ')})` : 'X-Virus-Status: Clean',
  );
  return [...fields, ...f.authFields];
}

/** "A,B,C", folded after a comma when long (a spamd may name dozens of rules; lines stay < 998). */
function foldList(names: string[]): string {
  if (names.length === 0) return 'none';
  let out = '';
  let lineChars = 0;
  for (const [i, name] of names.entries()) {
    const piece = i === 0 ? name : `,${name}`;
    if (lineChars + piece.length > 70 && i > 0) {
      out += ',\r\n\t' + name;
      lineChars = name.length + 1;
    } else {
      out += piece;
      lineChars += piece.length;
    }
  }
  return out;
}
