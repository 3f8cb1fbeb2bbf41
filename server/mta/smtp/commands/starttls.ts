import type { CommandHandler } from './types.js';

/**
 * RFC 3207. The session layer discards anything the client pipelined after this
 * command and forgets EHLO/AUTH state once TLS is up, so nothing said in the clear
 * can leak into the secure session (CVE-2011-0411).
 */
export const starttls: CommandHandler = {
  states: ['greeted', 'ready'],
  outOfOrder: () => 'Error: MAIL transaction in progress',
  run(ctx, args) {
    if (!ctx.options.tls) return ctx.reply(502, '5.5.1', 'Error: command not implemented');
    if (ctx.session.secure) return ctx.reply(503, '5.5.1', 'Error: TLS already active');
    if (args !== '') return ctx.reply(501, '5.5.4', 'Syntax: STARTTLS');
    ctx.reply(220, '2.0.0', 'Ready to start TLS');
    ctx.startTls();
  },
};
