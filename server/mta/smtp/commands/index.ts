import { auth } from './auth.js';
import { bdat } from './bdat.js';
import { data } from './data.js';
import { ehlo } from './ehlo.js';
import { helo } from './helo.js';
import { help } from './help.js';
import { lhlo } from './lhlo.js';
import { mail } from './mail.js';
import { noop } from './noop.js';
import { quit } from './quit.js';
import { rcpt } from './rcpt.js';
import { rset } from './rset.js';
import { starttls } from './starttls.js';
import type { CommandHandler, Verb } from './types.js';
import { vrfy } from './vrfy.js';

/** The typed dispatch map: one file per command (principle 2). */
export const COMMANDS: Readonly<Record<Verb, CommandHandler>> = {
  EHLO: ehlo,
  HELO: helo,
  LHLO: lhlo,
  MAIL: mail,
  RCPT: rcpt,
  DATA: data,
  BDAT: bdat,
  RSET: rset,
  NOOP: noop,
  QUIT: quit,
  VRFY: vrfy,
  HELP: help,
  STARTTLS: starttls,
  AUTH: auth,
};

/** The handler for a verb in this mode, or undefined ("500 Command unrecognized"). */
export function findCommand(verb: string, mode: 'smtp' | 'lmtp'): CommandHandler | undefined {
  if (!Object.hasOwn(COMMANDS, verb)) return undefined;
  const handler = COMMANDS[verb as Verb];
  if (handler.modes && !handler.modes.includes(mode)) return undefined;
  return handler;
}

/** Command arguments as the trace may show them (AUTH hides its initial response). */
export function traceArgsOf(verb: string, args: string): string {
  if (!Object.hasOwn(COMMANDS, verb)) return args;
  const redact = COMMANDS[verb as Verb].traceArgs;
  return redact ? redact(args) : args;
}
