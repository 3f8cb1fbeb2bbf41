import { ANY, type CommandHandler } from './types.js';

/** RFC 2971: we say who we are; what the client says about itself is not needed. */
export const id: CommandHandler = {
  states: ANY,
  run(ctx) {
    ctx.untagged('ID', [['name', 'Mailscope', 'vendor', 'Mailscope lab']]);
  },
};
