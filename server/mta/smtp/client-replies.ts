/**
 * Client side of the reply grammar (RFC 5321 4.2): "ddd-text" continues, "ddd text"
 * (or a bare "ddd") ends a reply. Enhanced status codes (RFC 2034) are split off
 * each line when their class matches the reply code. Bounded: a server that sends
 * endless lines or an endless reply is a protocol error, not a memory leak.
 */
export interface ClientReply {
  code: number;
  enhanced?: string;
  /** Each line's text, reply code and enhanced code removed. */
  lines: string[];
  /** The lines joined with a space: what goes into a DSN or the trace. */
  text: string;
}

const MAX_REPLY_LINE_BYTES = 8192;
const MAX_REPLY_LINES = 1000;
const LINE = /^(\d{3})(?:([ -])(.*))?$/s;
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})(?: |$)/;
const LF = 0x0a;

export class ReplyProtocolError extends Error {}

export class ReplyParser {
  private partial: Buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private code = 0;

  /** Feeds bytes; returns the replies they complete. Throws ReplyProtocolError on garbage. */
  push(chunk: Buffer): ClientReply[] {
    const replies: ClientReply[] = [];
    let input = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    for (;;) {
      const lf = input.indexOf(LF);
      if (lf < 0) break;
      const end = lf > 0 && input[lf - 1] === 0x0d ? lf - 1 : lf;
      const reply = this.takeLine(input.toString('utf8', 0, end));
      if (reply) replies.push(reply);
      input = input.subarray(lf + 1);
    }
    if (input.length > MAX_REPLY_LINE_BYTES) throw new ReplyProtocolError('reply line too long');
    this.partial = input;
    return replies;
  }

  private takeLine(line: string): ClientReply | undefined {
    const m = LINE.exec(line);
    if (!m) throw new ReplyProtocolError(`malformed reply line: ${line.slice(0, 80)}`);
    const code = Number(m[1]);
    if (this.lines.length > 0 && code !== this.code) throw new ReplyProtocolError('reply code changed inside a reply');
    this.code = code;
    this.lines.push(m[3] ?? '');
    if (this.lines.length > MAX_REPLY_LINES) throw new ReplyProtocolError('reply has too many lines');
    if (m[2] === '-') return undefined;
    const reply = buildReply(code, this.lines);
    this.lines = [];
    return reply;
  }
}

function buildReply(code: number, rawLines: string[]): ClientReply {
  let enhanced: string | undefined;
  const lines = rawLines.map((line) => {
    const m = ENHANCED.exec(line);
    if (!m || m[1]![0] !== String(code)[0]) return line;
    enhanced ??= m[1];
    return line.slice(m[0].length);
  });
  return { code, enhanced, lines, text: lines.join(' ') };
}
