import { selectedView } from '../message-set.js';
import { ImapSyntaxError } from '../syntax/types.js';
import { SELECTED, type CommandHandler } from './types.js';

/** RFC 3501 §6.4.2: expunge silently (unless read-only), then leave the selected state. */
export const close: CommandHandler = {
  states: SELECTED,
  run(ctx, cmd) {
    if (cmd.args.length > 0) throw new ImapSyntaxError('CLOSE takes no arguments');
    const view = selectedView(ctx);
    ctx.view = undefined;
    ctx.state = 'authenticated';
    if (!view.readOnly) ctx.store.expunge(ctx.address!, view.folder);
  },
};

/** RFC 3691: leave the selected state without expunging. */
export const unselect: CommandHandler = {
  states: SELECTED,
  run(ctx, cmd) {
    if (cmd.args.length > 0) throw new ImapSyntaxError('UNSELECT takes no arguments');
    ctx.view = undefined;
    ctx.state = 'authenticated';
  },
};

/** RFC 3501 §6.4.1: every write is already durable when it returns. */
export const check: CommandHandler = {
  states: SELECTED,
  run() {},
};
