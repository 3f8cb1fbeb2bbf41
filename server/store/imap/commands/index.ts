import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { check, close, unselect } from './close.js';
import { copy, move } from './copy.js';
import { enable } from './enable.js';
import { expunge } from './expunge.js';
import { fetch } from './fetch.js';
import { create, del, rename, subscribe, unsubscribe } from './folders.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { list } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { lsub } from './lsub.js';
import { namespace } from './namespace.js';
import { noop } from './noop.js';
import { getquota, getquotaroot, setquota } from './quota.js';
import { search } from './search.js';
import { examine, select } from './select.js';
import { starttls } from './starttls.js';
import { status } from './status.js';
import { store } from './store.js';
import type { CommandHandler } from './types.js';

export type Verb =
  | 'CAPABILITY'
  | 'NOOP'
  | 'LOGOUT'
  | 'STARTTLS'
  | 'AUTHENTICATE'
  | 'LOGIN'
  | 'ID'
  | 'ENABLE'
  | 'NAMESPACE'
  | 'SELECT'
  | 'EXAMINE'
  | 'CREATE'
  | 'DELETE'
  | 'RENAME'
  | 'SUBSCRIBE'
  | 'UNSUBSCRIBE'
  | 'LIST'
  | 'LSUB'
  | 'STATUS'
  | 'APPEND'
  | 'GETQUOTAROOT'
  | 'GETQUOTA'
  | 'SETQUOTA'
  | 'IDLE'
  | 'CHECK'
  | 'CLOSE'
  | 'UNSELECT'
  | 'EXPUNGE'
  | 'SEARCH'
  | 'FETCH'
  | 'STORE'
  | 'COPY'
  | 'MOVE';

/** The typed dispatch map: one file per command (or per small family), each with its states. */
export const COMMANDS: Readonly<Record<Verb, CommandHandler>> = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  AUTHENTICATE: authenticate,
  LOGIN: login,
  ID: id,
  ENABLE: enable,
  NAMESPACE: namespace,
  SELECT: select,
  EXAMINE: examine,
  CREATE: create,
  DELETE: del,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe,
  LIST: list,
  LSUB: lsub,
  STATUS: status,
  APPEND: append,
  GETQUOTAROOT: getquotaroot,
  GETQUOTA: getquota,
  SETQUOTA: setquota,
  IDLE: idle,
  CHECK: check,
  CLOSE: close,
  UNSELECT: unselect,
  EXPUNGE: expunge,
  SEARCH: search,
  FETCH: fetch,
  STORE: store,
  COPY: copy,
  MOVE: move,
};

/** The handler for an upper-case verb, or undefined (BAD). XLIST is left out on purpose: BAD. */
export function findCommand(verb: string): CommandHandler | undefined {
  return Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb as Verb] : undefined;
}
