import { asAtom, ImapSyntaxError } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

/** Extensions ENABLE can turn on here; none yet (RFC 5161: unknown ones are ignored). */
const ENABLEABLE = new Set<string>();

/** RFC 5161. */
export const enable: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    if (cmd.args.length === 0) throw new ImapSyntaxError('ENABLE needs at least one capability');
    const enabled = cmd.args.map((a) => asAtom(a, 'capability').toUpperCase()).filter((c) => ENABLEABLE.has(c));
    ctx.send(`* ENABLED${enabled.map((c) => ` ${c}`).join('')}\r\n`);
  },
};
