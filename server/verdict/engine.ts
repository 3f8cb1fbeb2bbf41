import type { VerdictRule } from '../api/trace.js';
import { AuthCache } from './auth-cache.js';
import { checkAuthentication } from './auth-check.js';
import { decide } from './decide.js';
import { parseMessageView } from './message-view.js';
import { CONTENT_RULES } from './content-rules.js';
import { AUTH_RULES, describeRule, evaluateRules, totalScore } from './rules.js';
import { spamdCheck } from './spamd-client.js';
import type {
  AuthOutcome,
  MessageView,
  VerdictEngine,
  VerdictEngineOptions,
  VerdictInput,
  VerdictResult,
} from './types.js';
import { verdictHeaderFields } from './verdict-headers.js';
import { scanForViruses } from './virus.js';

/**
 * The verdict engine: parse once, then in parallel ask DNS (SPF/DKIM/DMARC) and score
 * the content (built-in rules, or a real spamd when the world names one), scan for
 * viruses, and decide one action. Everything it found is in the result, so the stage
 * can tell the trace and the message's header why.
 */
export const BUILTIN_ENGINE = 'Mailscope built-in rules';

const DEFAULT_AUTH_TIMEOUT_MS = 15_000;
const DEFAULT_SPAMD_TIMEOUT_MS = 10_000;

export function createVerdictEngine(opts: VerdictEngineOptions): VerdictEngine {
  const authCache = opts.resolver ? new AuthCache(opts.resolver) : undefined;
  return { judge: (input) => judge(opts, input, authCache) };
}

async function judge(opts: VerdictEngineOptions, input: VerdictInput, authCache?: AuthCache): Promise<VerdictResult> {
  const view = await parseMessageView(input.raw);
  const [auth, content] = await Promise.all([authOf(opts, input, authCache), scoreContent(opts, input, view)]);
  const virus = scanForViruses(input.raw, view);
  const authRules = auth ? evaluateRules(AUTH_RULES, { view, receivedAt: input.receivedAt, auth }) : [];
  const rules = [...content.rules, ...authRules];
  const score = totalScore(rules, content.baseScore);
  const spam = score >= opts.spamThreshold;
  const decision = decide({
    settings: opts.settings,
    virusNames: virus.names,
    spam,
    score,
    threshold: opts.spamThreshold,
    auth,
  });
  const report = authReport(opts.node, auth, input.authenticatedUser);
  return {
    spam: spam ? 'spam' : 'clean',
    virus: virus.infected ? 'infected' : 'clean',
    score,
    reasons: [...virus.names, ...rules.map((r) => r.name)],
    rules,
    auth: report.trace,
    action: decision.action,
    engine: content.engine,
    headerFields: verdictHeaderFields({
      action: decision.action,
      spam,
      score,
      threshold: opts.spamThreshold,
      ruleNames: rules.map((r) => r.name),
      virusNames: virus.names,
      engine: content.engine,
      authFields: report.fields,
    }),
    hold: decision.holdReason ? { reason: decision.holdReason } : undefined,
    refusal: decision.refusal,
  };
}

/** SPF/DKIM/DMARC apply to mail from outside; an authenticated submission proved its sender already. */
async function authOf(
  opts: VerdictEngineOptions,
  input: VerdictInput,
  cache: AuthCache | undefined,
): Promise<AuthOutcome | undefined> {
  if (!opts.resolver || !input.connection || input.authenticatedUser) return undefined;
  const key = cache?.keyOf(input.raw, input.connection);
  const known = key === undefined ? undefined : cache!.get(key);
  if (known) return known;
  const outcome = await checkAuthentication(input.raw, {
    resolver: opts.resolver,
    node: opts.node,
    traceId: input.queueId,
    connection: input.connection,
    timeoutMs: opts.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS,
  });
  if (key !== undefined) cache!.set(key, outcome);
  return outcome;
}

/** What the trace and the header say about authentication; RFC 8601 "auth" for a submission. */
function authReport(node: string, auth: AuthOutcome | undefined, user: string | undefined) {
  if (auth) {
    const trace = { spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc, summary: auth.summary };
    return { trace, fields: auth.headerFields };
  }
  if (!user) return { trace: undefined, fields: [] };
  const login = user.replace(/[^\x21-\x7e]/g, '?');
  return {
    trace: { summary: `auth=pass smtp.auth=${login} (authenticated submission)` },
    fields: [`Authentication-Results: ${node};\r\n auth=pass smtp.auth=${login}`],
  };
}

interface ContentScore {
  rules: VerdictRule[];
  /** Score not itemised by rule (spamd gives a total and names only). */
  baseScore: number;
  engine: string;
}

async function scoreContent(opts: VerdictEngineOptions, input: VerdictInput, view: MessageView): Promise<ContentScore> {
  const builtin = (engine: string): ContentScore => ({
    rules: evaluateRules(CONTENT_RULES, { view, receivedAt: input.receivedAt }),
    baseScore: 0,
    engine,
  });
  const spamd = opts.settings.spamd;
  if (!spamd) return builtin(BUILTIN_ENGINE);
  const where = `${spamd.host}:${spamd.port}`;
  try {
    const reply = await spamdCheck({
      host: spamd.host,
      port: spamd.port,
      raw: input.raw,
      timeoutMs: opts.spamdTimeoutMs ?? DEFAULT_SPAMD_TIMEOUT_MS,
    });
    // spamd names its rules but scores only the total: the rules carry 0, the total is the base.
    const rules = reply.symbols.map((name) => ({
      name,
      score: 0,
      description: describeRule(name) ?? 'SpamAssassin rule (scored in spamd’s total)',
    }));
    return { rules, baseScore: reply.score, engine: `SpamAssassin spamd ${where}` };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return builtin(`${BUILTIN_ENGINE} (spamd ${where} unreachable: ${why})`);
  }
}
