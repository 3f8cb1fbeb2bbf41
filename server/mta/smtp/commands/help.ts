import { ANY_STATE, type CommandHandler } from './types.js';

export const help: CommandHandler = {
  states: ANY_STATE,
  run(ctx) {
    const verbs = ctx.session.lmtp
      ? 'LHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP'
      : 'EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP' +
        (ctx.options.tls ? ' STARTTLS' : '') +
        (ctx.options.auth ? ' AUTH' : '');
    ctx.reply(214, '2.0.0', [`Commands: ${verbs}`, 'See RFC 5321 for details']);
  },
};
