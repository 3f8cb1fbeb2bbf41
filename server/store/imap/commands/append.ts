import { StoreError } from '../../store-error.js';
import { mailboxArg } from '../mailbox-name.js';
import { parseInternalDate } from '../syntax/response-writer.js';
import { asAString, asAtom, ImapNoError, ImapSyntaxError, type ImapValue } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

/** A missing target folder: the client may CREATE it and retry (RFC 3501 §6.3.11). */
export function tryCreate(err: unknown): never {
  if (err instanceof StoreError && err.reason === 'NONEXISTENT') throw new ImapNoError(err.publicText, 'TRYCREATE');
  throw err;
}

/** RFC 3501 §6.3.11 with RFC 4315 APPENDUID. */
export const append: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    const folder = mailboxArg(cmd.args[0], ctx.utf8);
    const rest: ImapValue[] = cmd.args.slice(1);
    const message = rest.pop();
    if (message?.type !== 'literal') throw new ImapSyntaxError('APPEND needs the message as a literal');
    let flags: string[] = [];
    let internalDate: number | undefined;
    if (rest[0]?.type === 'list') flags = listFlags(rest.shift()!);
    if (rest.length > 0) internalDate = appendDate(rest.shift()!);
    if (rest.length > 0) throw new ImapSyntaxError('Unexpected APPEND arguments');
    if (message.value.length === 0) throw new ImapNoError('Empty message', 'CANNOT');
    let result;
    try {
      result = ctx.store.appendMessage(ctx.address!, folder, message.value, flags, internalDate);
    } catch (err) {
      tryCreate(err);
    }
    return { code: `APPENDUID ${result.uidValidity} ${result.uid}`, text: 'APPEND completed' };
  },
};

function listFlags(value: ImapValue): string[] {
  return value.type === 'list' ? value.items.map((f) => asAtom(f, 'flag')) : [];
}

function appendDate(value: ImapValue): number {
  try {
    return parseInternalDate(asAString(value, 'date-time')).getTime();
  } catch {
    throw new ImapSyntaxError('Invalid date-time in APPEND');
  }
}
