import { ChunkReader } from '../chunk-reader.js';
import { MessageBody } from '../message-body.js';
import { finishMessage, tooLarge } from './message-end.js';
import { ANY_STATE, sayHelloFirst, type CommandContext, type CommandHandler } from './types.js';

/** Up to 999,999,999 octets a chunk; the message size limit applies to their sum. */
const BDAT_ARGS = /^(\d{1,9})(?: +(LAST))?$/i;

/**
 * BDAT (RFC 3030 CHUNKING): "BDAT <size> [LAST]" followed by exactly that many octets,
 * as they are (no dot-stuffing, no end marker). A message may come in several chunks;
 * each but the last gets "250 <n> octets received", LAST gets the message's reply.
 *
 * The octets follow the command whatever we answer, so a refused BDAT (no MAIL, no
 * valid recipient, a message already too large) still reads and drops its chunk: only
 * then is the next byte a command again. That is why BDAT is allowed in every state
 * and checks the state itself. A count we cannot parse leaves us no way to find the
 * next command: 501 and the connection is closed.
 */
export const bdat: CommandHandler = {
  states: ANY_STATE,
  // A hook that refused BDAT before it ran would leave its chunk to be read as commands.
  skipsBeforeCommand: true,
  // Offered on LMTP only (see hello.ts); on SMTP it is an unknown command, as CHUNKING is not announced.
  modes: ['lmtp'],
  async run(ctx, args) {
    const m = BDAT_ARGS.exec(args);
    if (!m) {
      ctx.reply(501, '5.5.4', 'Syntax: BDAT chunk-size [LAST]');
      return ctx.close('error');
    }
    const size = Number(m[1]);
    const last = m[2] !== undefined;
    const refusal = refusalFor(ctx);
    if (refusal) {
      // Refused before any chunk was taken: the transaction (if any) stays as it was.
      const answer = async () => ctx.reply(refusal.code, '5.5.1', refusal.text);
      if (size === 0) return answer();
      return ctx.readBody(new ChunkReader(size, undefined), answer);
    }
    const body = (ctx.chunks ??= new MessageBody(ctx.options.maxMessageSizeBytes));
    const chunkDone = () => endOfChunk(ctx, body, size, last);
    if (size === 0) return chunkDone();
    ctx.readBody(new ChunkReader(size, body), chunkDone);
  },
};

function refusalFor(ctx: CommandContext): { code: number; text: string } | undefined {
  if (ctx.state === 'greeted') return { code: 503, text: sayHelloFirst(ctx.session.lmtp) };
  if (ctx.state !== 'mail') return { code: 503, text: 'Error: need MAIL command' };
  if (ctx.session.envelope.rcptTo.length > 0) return undefined;
  if (ctx.rcptAttempted) return { code: 554, text: 'Error: no valid recipients' };
  return { code: 503, text: 'Error: need RCPT command' };
}

async function endOfChunk(ctx: CommandContext, body: MessageBody, size: number, last: boolean): Promise<void> {
  // LAST of a message that grew too large is refused like DATA's final dot: once per
  // recipient in LMTP, so a client that pipelined its chunks reads the replies it expects.
  if (last) return finishMessage(ctx, body);
  if (body.tooLarge) {
    // Said at once, not only at LAST, so the client can stop sending; the transaction
    // stays failed until LAST or RSET, and every chunk until then gets the same answer.
    const error = tooLarge();
    return ctx.reply(error.code, error.enhanced, error.publicText);
  }
  ctx.reply(250, '2.0.0', `${size} octets received`);
}
