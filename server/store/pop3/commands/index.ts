import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele } from './dele.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import type { CommandHandler, Verb } from './types.js';
import { uidl } from './uidl.js';
import { user } from './user.js';
import { xclient } from './xclient.js';

/** The typed dispatch map: one file per command (principle 2). */
export const COMMANDS: Readonly<Record<Verb, CommandHandler>> = {
  CAPA: capa,
  USER: user,
  PASS: pass,
  AUTH: auth,
  STLS: stls,
  STAT: stat,
  LIST: list,
  UIDL: uidl,
  RETR: retr,
  TOP: top,
  DELE: dele,
  RSET: rset,
  NOOP: noop,
  QUIT: quit,
  XCLIENT: xclient,
};

/** The handler for a verb (already upper-cased), or undefined ("-ERR Unknown command"). */
export function findCommand(verb: string): CommandHandler | undefined {
  return Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb as Verb] : undefined;
}
