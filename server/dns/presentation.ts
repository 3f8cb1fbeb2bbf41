import { typeName, type RecordData, type ResourceRecord } from './types.js';

/**
 * Records as a person reads them (RFC 1035 §5.1 master-file form, minus owner, TTL and
 * class): "10 mx1.example.com", "127.0.0.1", "\"v=spf1 -all\"". Used by the trace.
 */
export function rdataText(data: RecordData): string {
  switch (data.kind) {
    case 'A':
    case 'AAAA':
      return data.address;
    case 'MX':
      return `${data.preference} ${data.exchange}`;
    case 'TXT':
      return data.texts.map(quoteText).join(' ');
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return data.target;
    case 'SOA':
      return [
        data.mname,
        data.rname,
        data.serial,
        data.refreshSeconds,
        data.retrySeconds,
        data.expireSeconds,
        data.minimumSeconds,
      ].join(' ');
    case 'OPT':
    case 'unknown': {
      const raw = data.kind === 'OPT' ? data.options : data.raw;
      return `\\# ${raw.length}${raw.length > 0 ? ` ${raw.toString('hex')}` : ''}`;
    }
  }
}

/**
 * The answers of a response for the trace. A record of another type than was asked
 * (the CNAME of a chain) says its type, so "CNAME mail.example.com", "127.0.0.1" reads
 * as the chain it is.
 */
export function answerTexts(answers: ResourceRecord[], askedType: number): string[] {
  return answers.map((rr) => {
    const text = rdataText(rr.data);
    return rr.type === askedType ? text : `${typeName(rr.type)} ${text}`;
  });
}

function quoteText(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
