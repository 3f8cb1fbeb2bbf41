import type { Fault, FaultSwitches } from '../core/faults.js';
import { answerQuestion, negativeSoa, type AuthoritativeAnswer } from './authority.js';
import { readEdns, optRecord, type EdnsRequest } from './edns.js';
import { decodeHeader, decodeMessage } from './message-codec.js';
import { Opcode, Rcode, type DnsHeader, type DnsMessage, type DnsQuestion } from './types.js';
import type { ZoneTable } from './zones.js';

/**
 * One query packet in, one response out — no sockets here, so the rules can be tested
 * alone. A packet too short to carry a header, or one that is itself a response, is
 * dropped (undefined): answering a response could start a loop between two servers.
 */
export interface QueryOutcome {
  /** The full response; the UDP path may still truncate it. */
  response: DnsMessage;
  question?: DnsQuestion;
  /** The full rcode (EDNS extended bits included). */
  rcode: number;
  edns?: EdnsRequest;
  /** The fault switch that decided the answer, if one did. */
  fault?: Extract<Fault, { kind: 'dns' }>;
}

export interface QueryHandlerDeps {
  zones: ZoneTable;
  faults?: FaultSwitches;
}

export function handleQuery(packet: Buffer, deps: QueryHandlerDeps): QueryOutcome | undefined {
  const header = decodeHeader(packet);
  if (!header || header.qr) return undefined;
  let query: DnsMessage;
  let edns: EdnsRequest | undefined;
  try {
    query = decodeMessage(packet);
    edns = readEdns(query.additional);
  } catch {
    // Broken body: all we can do is say so to the id that asked (RFC 1035 §4.1.1).
    return reply(header, undefined, undefined, {
      rcode: Rcode.FORMERR,
      authoritative: false,
      answers: [],
      authority: [],
    });
  }
  const question = query.questions.length === 1 ? query.questions[0] : undefined;
  if (header.opcode !== Opcode.QUERY) return reply(header, question, edns, simple(Rcode.NOTIMP));
  if (!question) return reply(header, undefined, edns, simple(Rcode.FORMERR));
  if (edns && edns.version > 0) return reply(header, question, edns, simple(Rcode.BADVERS));
  const fault = deps.faults?.forHost('dns', question.name);
  if (fault) return { ...reply(header, question, edns, faultAnswer(deps.zones, question, fault)), fault };
  return reply(header, question, edns, answerQuestion(deps.zones, question));
}

function simple(rcode: number): AuthoritativeAnswer {
  return { rcode, authoritative: false, answers: [], authority: [] };
}

/** A fault answers its rcode for the name as an authority would (with the SOA on NXDOMAIN). */
function faultAnswer(
  zones: ZoneTable,
  question: DnsQuestion,
  fault: Extract<Fault, { kind: 'dns' }>,
): AuthoritativeAnswer {
  if (fault.rcode === 'SERVFAIL') return simple(Rcode.SERVFAIL);
  const zone = zones.zoneFor(question.name);
  return {
    rcode: Rcode.NXDOMAIN,
    authoritative: Boolean(zone),
    answers: [],
    authority: zone ? [negativeSoa(zone)] : [],
  };
}

function reply(
  query: DnsHeader,
  question: DnsQuestion | undefined,
  edns: EdnsRequest | undefined,
  answer: AuthoritativeAnswer,
): QueryOutcome {
  const response: DnsMessage = {
    header: {
      id: query.id,
      qr: true,
      opcode: query.opcode,
      aa: answer.authoritative,
      tc: false,
      rd: query.rd,
      ra: false,
      rcode: answer.rcode & 0x0f,
    },
    questions: question ? [question] : [],
    answers: answer.answers,
    authority: answer.authority,
    // A client that spoke EDNS gets an OPT back (RFC 6891 §7), even with BADVERS.
    additional: edns ? [optRecord(answer.rcode)] : [],
  };
  return { response, question, rcode: answer.rcode, edns };
}
