import { clientError } from '../errors.js';

/** Argument parsing shared by the commands. Failures are plain "-ERR" client errors. */

/** Splits on spaces and checks the count; `usage` is the reply when it is wrong. */
export function words(args: string, min: number, max: number, usage: string): string[] {
  const trimmed = args.trim();
  const parts = trimmed === '' ? [] : trimmed.split(/ +/);
  if (parts.length < min || parts.length > max) throw clientError(`Syntax: ${usage}`);
  return parts;
}

/** RFC 1939 msg: a decimal message number (range is checked by the maildrop). */
export function messageNumber(text: string): number {
  if (!/^[0-9]{1,9}$/.test(text)) throw clientError('Invalid message number');
  return Number(text);
}

/** TOP's line count: a non-negative decimal number. */
export function lineCount(text: string): number {
  if (!/^[0-9]{1,9}$/.test(text)) throw clientError('Invalid line count');
  return Number(text);
}

/** The maildrop, which every TRANSACTION command has (the session checks the state first). */
export function maildropOf<T>(ctx: { maildrop?: T }): T {
  if (!ctx.maildrop) throw new Error('POP3 command ran without a maildrop');
  return ctx.maildrop;
}
