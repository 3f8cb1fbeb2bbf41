import type { VerdictRule } from '../api/trace.js';
import { CONTENT_RULES } from './content-rules.js';
import type { RuleContext, SpamRule } from './types.js';

/**
 * Authentication results as score contributions: a failed SPF or DMARC check is a
 * strong clue, not proof (forwarding breaks SPF), so it adds to the score; what the
 * site does with a hard failure on its own is the separate authFailAction.
 */
export const AUTH_RULES: readonly SpamRule[] = Object.freeze([
  {
    name: 'SPF_FAIL',
    score: 2.0,
    description: "SPF fail: the sender's domain says this client may not send its mail (-all)",
    test: (ctx) => ctx.auth?.spf === 'fail',
  },
  {
    name: 'SPF_SOFTFAIL',
    score: 1.0,
    description: "SPF softfail: the sender's domain says this client is probably not one of its own (~all)",
    test: (ctx) => ctx.auth?.spf === 'softfail',
  },
  {
    name: 'DKIM_INVALID',
    score: 1.5,
    description: 'A DKIM-Signature is present but does not verify: changed on the way, or forged',
    test: (ctx) => !!ctx.auth?.dkimSigned && ['fail', 'neutral', 'permerror', 'policy'].includes(ctx.auth.dkim),
  },
  {
    name: 'DMARC_FAIL',
    score: 3.0,
    description: 'DMARC fail: neither SPF nor DKIM vouches for the domain in From:',
    test: (ctx) => ctx.auth?.dmarc === 'fail',
  },
]);

export const BUILTIN_RULES: readonly SpamRule[] = Object.freeze([...CONTENT_RULES, ...AUTH_RULES]);

/** The rules that fire, each as name + score + description (what the trace and the UI show). */
export function evaluateRules(rules: readonly SpamRule[], ctx: RuleContext): VerdictRule[] {
  const fired: VerdictRule[] = [];
  for (const rule of rules) {
    let hit = false;
    try {
      hit = rule.test(ctx);
    } catch {
      // A rule that cannot read this message does not fire; the verdict must not crash on odd mail.
    }
    if (hit) fired.push({ name: rule.name, score: rule.score, description: rule.description });
  }
  return fired;
}

/** Sum of scores, to one decimal as X-Spam-Status shows it (avoids 0.1 + 0.2 noise). */
export function totalScore(rules: readonly VerdictRule[], base = 0): number {
  return Math.round((base + rules.reduce((sum, r) => sum + r.score, 0)) * 10) / 10;
}

/** Description of a rule by name, for spamd symbols that match a built-in one. */
export function describeRule(name: string): string | undefined {
  return BUILTIN_RULES.find((r) => r.name === name)?.description;
}
