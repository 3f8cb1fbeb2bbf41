import type { ImapCommand, ImapValue } from './syntax/types.js';

/** Enough of the arguments to read a transcript; a 1:* FETCH item list fits, a body does not. */
const MAX_ARGS_CHARS = 200;

/** Arguments never shown from this position on: passwords and SASL responses. */
const SECRET_FROM: Readonly<Record<string, number>> = { LOGIN: 1, AUTHENTICATE: 1 };

/** `UID FETCH`, `SELECT`: the command as the trace and the sampler name it. */
export function commandLabel(cmd: Pick<ImapCommand, 'uid' | 'verb'>): string {
  return cmd.uid ? `UID ${cmd.verb}` : cmd.verb;
}

/**
 * The arguments as a one-line text for `imap.command`: literals as `{n}` (an APPEND's
 * message is not copied into the trace), secrets as `***`, long text cut with `…`.
 */
export function describeArgs(cmd: ImapCommand): string {
  const secretFrom = SECRET_FROM[cmd.verb] ?? Infinity;
  const parts = cmd.args.map((arg, i) => (i >= secretFrom ? '***' : valueText(arg)));
  const text = parts.join(' ');
  return text.length > MAX_ARGS_CHARS ? `${text.slice(0, MAX_ARGS_CHARS - 1)}…` : text;
}

function valueText(value: ImapValue): string {
  switch (value.type) {
    case 'atom':
      return value.value;
    case 'number':
    case 'section':
      return value.text;
    case 'string':
      return `"${value.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    case 'literal':
      return `{${value.value.length}}`;
    case 'nil':
      return 'NIL';
    case 'list':
      return `(${value.items.map(valueText).join(' ')})`;
  }
}
