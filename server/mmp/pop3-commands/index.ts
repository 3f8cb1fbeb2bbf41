import { auth } from './auth.js';
import { capa } from './capa.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { stls } from './stls.js';
import type { MmpCommandHandler, MmpVerb } from './types.js';
import { user } from './user.js';

/** The typed dispatch map of what the MMP answers itself (principle 2). */
export const MMP_POP3_COMMANDS: Readonly<Record<MmpVerb, MmpCommandHandler>> = {
  CAPA: capa,
  USER: user,
  PASS: pass,
  AUTH: auth,
  STLS: stls,
  NOOP: noop,
  QUIT: quit,
};

/** RFC 1939 TRANSACTION commands: known, but only the back end can answer them, after login. */
const AFTER_LOGIN = new Set(['STAT', 'LIST', 'RETR', 'DELE', 'RSET', 'TOP', 'UIDL', 'LAST']);

export function findMmpCommand(verb: string): MmpCommandHandler | undefined {
  return Object.hasOwn(MMP_POP3_COMMANDS, verb) ? MMP_POP3_COMMANDS[verb as MmpVerb] : undefined;
}

export function needsLogin(verb: string): boolean {
  return AFTER_LOGIN.has(verb);
}
