import type { MmpCommandHandler } from './types.js';

/** RFC 1939 6 QUIT before login: nothing to commit, no back end yet; just sign off. */
export const quit: MmpCommandHandler = {
  run(ctx) {
    ctx.ok(`${ctx.options.hostname} POP3 proxy signing off`);
    ctx.close('quit');
  },
};
