import { ANY, type CommandHandler } from './types.js';

/** RFC 3501 §6.1.2: nothing itself; the session sends pending mailbox updates before OK. */
export const noop: CommandHandler = {
  states: ANY,
  run() {},
};
