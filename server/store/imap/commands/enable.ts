import { asAtom, ImapSyntaxError } from '../syntax/types.js';
import { AUTHENTICATED, type CommandHandler } from './types.js';

/** Extensions ENABLE can turn on here (RFC 5161: unknown ones are ignored, not refused). */
const ENABLEABLE = new Set(['CONDSTORE', 'UTF8=ACCEPT'] as const);
type Enableable = typeof ENABLEABLE extends Set<infer T> ? T : never;

function isEnableable(name: string): name is Enableable {
  return (ENABLEABLE as Set<string>).has(name);
}

/** RFC 5161. `* ENABLED` lists what this command turned on, not what already was. */
export const enable: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx, cmd) {
    if (cmd.args.length === 0) throw new ImapSyntaxError('ENABLE needs at least one capability');
    const names = cmd.args.map((a) => asAtom(a, 'capability').toUpperCase());
    const enabled = names.filter(isEnableable).filter((name) => ctx.enable(name));
    ctx.send(`* ENABLED${enabled.map((c) => ` ${c}`).join('')}\r\n`);
  },
};
