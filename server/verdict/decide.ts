import type { VerdictAction } from '../api/trace.js';
import type { VerdictSettings } from '../api/world-spec.js';
import { MailError } from '../core/mail-error.js';
import type { AuthOutcome } from './types.js';

/**
 * From findings to one action. Each finding (virus, spam, authentication failure)
 * asks for the action the site configured for it; the strongest wins. A refusal
 * says why in the reply, with the RFC 3463 / RFC 7372 code that names the cause.
 */
const STRENGTH: Record<VerdictAction, number> = { deliver: 0, tag: 1, junk: 2, hold: 3, reject: 4 };

type Cause = 'virus' | 'auth' | 'spam';

export interface Findings {
  settings: VerdictSettings;
  virusNames: string[];
  spam: boolean;
  score: number;
  threshold: number;
  auth?: AuthOutcome;
}

export interface Decision {
  action: VerdictAction;
  /** Which finding decided, when the action is not deliver. */
  cause?: Cause;
  holdReason?: string;
  refusal?: MailError;
}

export function decide(f: Findings): Decision {
  // Order matters on a tie: the most specific cause names the refusal.
  const wanted: Array<[Cause, VerdictAction]> = [];
  if (f.virusNames.length > 0) wanted.push(['virus', f.settings.virusAction]);
  const authAction = authFailureAction(f.settings, f.auth);
  if (authAction) wanted.push(['auth', authAction]);
  if (f.spam) wanted.push(['spam', f.settings.spamAction]);
  let best: [Cause, VerdictAction] | undefined;
  for (const w of wanted) if (!best || STRENGTH[w[1]] > STRENGTH[best[1]]) best = w;
  if (!best || best[1] === 'deliver') return { action: 'deliver', cause: best?.[0] };
  const [cause, action] = best;
  const why = explain(cause, f);
  if (action === 'hold') return { action, cause, holdReason: why };
  if (action === 'reject') return { action, cause, refusal: refusalFor(cause, why, f.auth) };
  return { action, cause };
}

/**
 * An authentication failure is DMARC fail, or SPF fail where the From domain has no
 * DMARC policy. Refusing needs two agreements: the site allows it (authFailAction
 * reject) and the domain asked for it (p=reject, or SPF "-all" without DMARC). A
 * softer DMARC policy lowers a configured reject to what the domain asked for.
 */
export function authFailureAction(settings: VerdictSettings, auth: AuthOutcome | undefined): VerdictAction | undefined {
  if (!auth) return undefined;
  const dmarcFail = auth.dmarc === 'fail';
  const spfOnlyFail = auth.spf === 'fail' && (auth.dmarc === 'none' || auth.dmarc === 'temperror');
  if (!dmarcFail && !spfOnlyFail) return undefined;
  const configured = settings.authFailAction;
  if (configured !== 'reject' || !dmarcFail) return configured;
  if (auth.dmarcPolicy === 'reject') return 'reject';
  return auth.dmarcPolicy === 'quarantine' ? 'junk' : 'tag';
}

function explain(cause: Cause, f: Findings): string {
  if (cause === 'virus') return `virus found (${f.virusNames.join(', ')})`;
  if (cause === 'spam') return `spam score ${f.score} >= ${f.threshold}`;
  const auth = f.auth as AuthOutcome;
  const domain = auth.fromDomain ? ` for ${auth.fromDomain}` : '';
  if (auth.dmarc === 'fail') return `DMARC fail${domain} (p=${auth.dmarcPolicy ?? 'none'})`;
  return `SPF fail${domain}`;
}

function refusalFor(cause: Cause, why: string, auth: AuthOutcome | undefined): MailError {
  if (cause === 'virus') {
    return new MailError({
      code: 554,
      enhanced: '5.7.1',
      publicText: `Message rejected: ${why}`,
      component: 'verdict',
    });
  }
  if (cause === 'spam') {
    return new MailError({
      code: 550,
      enhanced: '5.7.1',
      publicText: `Message rejected as spam: ${why}`,
      component: 'verdict',
    });
  }
  // RFC 7372: 5.7.26 multiple authentication checks failed (DMARC), 5.7.23 SPF validation failed.
  const enhanced = auth?.dmarc === 'fail' ? '5.7.26' : '5.7.23';
  return new MailError({ code: 550, enhanced, publicText: `Message rejected: ${why}`, component: 'verdict' });
}
