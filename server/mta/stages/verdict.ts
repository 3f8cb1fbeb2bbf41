import type { VerdictSettings } from '../../api/world-spec.js';
import type { Tracer } from '../../core/tracer.js';
import type { LabResolver } from '../../dns/resolver.js';
import { createVerdictEngine } from '../../verdict/engine.js';
import type { VerdictInput } from '../../verdict/types.js';
import type { IncomingMessage, MessageStage } from './types.js';

/**
 * The anti-spam / anti-virus / sender-authentication step at the end of DATA. The
 * engine (server/verdict/) judges; this stage reads the connection facts from the
 * SMTP session, tells the trace what was decided and why, then acts: a refusal is
 * thrown (the client gets the 5xx, so no backscatter), a hold is handed to the
 * listener through `message.hold`, everything else is header fields.
 */
export interface VerdictStageOptions {
  /** The judging MTA's host name: trace node and Authentication-Results authserv-id. */
  node: string;
  tracer: Tracer;
  spamThreshold: number;
  /** What to do with each finding; defaults keep the lab's first behaviour (tag spam, refuse viruses). */
  settings?: VerdictSettings;
  /** The lab's DNS. Without it SPF, DKIM and DMARC are not checked. */
  resolver?: LabResolver;
  /** Wall-clock limit for one message's DNS checks (default 15 s). */
  authTimeoutMs?: number;
}

const DEFAULT_SETTINGS: VerdictSettings = { spamAction: 'tag', virusAction: 'reject', authFailAction: 'deliver' };

export function verdictStage(opts: VerdictStageOptions): MessageStage {
  const engine = createVerdictEngine({
    node: opts.node,
    settings: opts.settings ?? DEFAULT_SETTINGS,
    spamThreshold: opts.spamThreshold,
    resolver: opts.resolver,
    authTimeoutMs: opts.authTimeoutMs,
  });
  return {
    name: 'verdict',
    async run(message: IncomingMessage) {
      const verdict = await engine.judge(inputOf(message));
      opts.tracer.emit({
        kind: 'verdict.given',
        node: opts.node,
        traceId: message.queueId,
        spanId: message.queueId,
        data: {
          queueId: message.queueId,
          spam: verdict.spam,
          virus: verdict.virus,
          score: verdict.score,
          reasons: verdict.reasons,
          rules: verdict.rules,
          auth: verdict.auth,
          action: verdict.action,
          engine: verdict.engine,
        },
      });
      if (verdict.refusal) throw verdict.refusal;
      message.addHeaders.push(...verdict.headerFields);
      if (verdict.hold) message.hold = verdict.hold;
    },
  };
}

function inputOf(message: IncomingMessage): VerdictInput {
  const { session } = message;
  const authenticatedUser = message.listener === 'submission' || session.user ? (session.user ?? 'unknown') : undefined;
  return {
    queueId: message.queueId,
    raw: message.raw,
    receivedAt: message.receivedAt,
    connection: {
      ip: session.remoteAddress,
      helo: session.clientHostname,
      mailFrom: session.envelope.mailFrom?.address ?? '',
    },
    authenticatedUser,
  };
}
