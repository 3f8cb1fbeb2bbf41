import { AUTHENTICATED, type CommandHandler } from './types.js';

/** RFC 2342: one personal namespace with "/" as delimiter; no other users' or shared ones. */
export const namespace: CommandHandler = {
  states: AUTHENTICATED,
  run(ctx) {
    ctx.send('* NAMESPACE (("" "/")) NIL NIL\r\n');
  },
};
