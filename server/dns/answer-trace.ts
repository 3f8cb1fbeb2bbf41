import type { TraceInput } from '../api/trace.js';
import type { FaultSwitches } from '../core/faults.js';
import type { Tracer } from '../core/tracer.js';
import { stripRootDot } from './names.js';
import { answerTexts } from './presentation.js';
import type { QueryOutcome } from './query-handler.js';
import type { LookupContext } from './resolver.js';
import { rcodeName, typeName } from './types.js';

/** Where a sent answer went, for its trace event. */
export interface SentAnswer {
  outcome: QueryOutcome;
  transport: 'udp' | 'tcp';
  remoteAddress: string;
  remotePort: number;
  /** The lab host that asked, when the resolver registered the query. */
  context?: LookupContext;
  /** The UDP answer was cut to the header and question (TC=1): no answers were sent. */
  truncated: boolean;
}

/**
 * Report an answer after it was sent: first the fault switch that decided it (if one
 * did), then `dns.answered`. A query from the lab carries its caller as `from`, and the
 * message's traceId/spanId, so the diagram draws the lookup as part of that delivery.
 */
export function traceAnswer(tracer: Tracer, faults: FaultSwitches | undefined, node: string, sent: SentAnswer): void {
  const { outcome, context } = sent;
  const question = outcome.question;
  const name = question ? stripRootDot(question.name) : '';
  const type = question ? typeName(question.type) : '';
  const rcode = rcodeName(outcome.rcode);
  const trace = context ? { traceId: context.traceId, spanId: context.spanId } : {};
  if (outcome.fault && faults) {
    faults.applied(outcome.fault, node, `DNS answered ${rcode} for ${type} ${name}`, trace);
  }
  const input: TraceInput<'dns.answered'> = {
    kind: 'dns.answered',
    node,
    data: {
      name,
      type,
      rcode,
      answers: sent.truncated ? [] : answerTexts(outcome.response.answers, question?.type ?? 0),
      transport: sent.transport,
      remoteAddress: sent.remoteAddress,
      remotePort: sent.remotePort,
    },
  };
  if (context) {
    input.from = context.callerNode;
    input.to = node;
    input.data.purpose = context.purpose;
    if (context.traceId) input.traceId = context.traceId;
    if (context.spanId) input.spanId = context.spanId;
  }
  tracer.emit(input);
}
