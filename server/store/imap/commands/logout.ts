import { ANY, type CommandHandler } from './types.js';

/** RFC 3501 §6.1.3: BYE, then the tagged OK, then we hang up. */
export const logout: CommandHandler = {
  states: ANY,
  run(ctx) {
    ctx.send(`* BYE ${ctx.options.hostname} IMAP4rev1 Mailscope logging out\r\n`);
    ctx.state = 'logout';
    ctx.view = undefined;
    // The session hangs up once the tagged OK is written.
  },
};
