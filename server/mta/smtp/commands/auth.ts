import { MailError } from '../../../core/mail-error.js';
import { smtpError } from '../reply.js';
import { decodeSasl, encodeChallenge, isCancel, parsePlain } from '../sasl.js';
import { authUsable } from './hello.js';
import { sayHelloFirst, type CommandContext, type CommandHandler } from './types.js';

type Mechanism = 'PLAIN' | 'LOGIN';

/**
 * AUTH PLAIN / LOGIN (RFC 4954). Credentials never reach the trace: the command's
 * initial response and every continuation line are shown as "***".
 */
export const auth: CommandHandler = {
  states: ['ready'],
  outOfOrder: (state, lmtp) => (state === 'greeted' ? sayHelloFirst(lmtp) : 'Error: MAIL transaction in progress'),
  modes: ['smtp'],
  traceArgs: (args) => {
    const [mechanism, initial] = args.split(' ');
    return initial === undefined ? (mechanism ?? '') : `${mechanism} ***`;
  },
  run(ctx, args) {
    const options = ctx.options.auth;
    if (!options) return ctx.reply(503, '5.5.1', 'Error: authentication not enabled');
    if (ctx.session.user) return ctx.reply(503, '5.5.1', 'Error: already authenticated');
    if (!authUsable(ctx)) return ctx.reply(538, '5.7.11', 'Encryption required for requested authentication mechanism');
    const words = args.split(' ').filter((w) => w !== '');
    if (words.length < 1 || words.length > 2)
      return ctx.reply(501, '5.5.4', 'Syntax: AUTH mechanism [initial-response]');
    const mechanism = words[0]!.toUpperCase();
    if (!isMechanism(mechanism) || !options.methods.includes(mechanism)) {
      return ctx.reply(504, '5.5.4', 'Unrecognized authentication type');
    }
    const initial = words[1];
    if (mechanism === 'PLAIN') return startPlain(ctx, initial);
    return startLogin(ctx, initial);
  },
};

function isMechanism(name: string): name is Mechanism {
  return name === 'PLAIN' || name === 'LOGIN';
}

function startPlain(ctx: CommandContext, initial: string | undefined): void | Promise<void> {
  if (initial !== undefined) return finishPlain(ctx, initial);
  ctx.reply(334, undefined, '');
  ask(ctx, (line) => finishPlain(ctx, line));
}

async function finishPlain(ctx: CommandContext, response: string): Promise<void> {
  const plain = parsePlain(decodeSasl(response));
  if (plain.authzid !== '' && plain.authzid !== plain.username) {
    // Acting as another user (authzid) is not something the lab grants.
    return refuse(ctx, 'PLAIN', plain.username, smtpError(535, '5.7.8', 'Authentication credentials invalid'));
  }
  await verify(ctx, 'PLAIN', plain.username, plain.password);
}

function startLogin(ctx: CommandContext, initial: string | undefined): void {
  const askPassword = (username: string): void => {
    ctx.reply(334, undefined, encodeChallenge('Password:'));
    ask(ctx, (line) => verify(ctx, 'LOGIN', username, decodeSasl(line)));
  };
  if (initial !== undefined) return askPassword(decodeSasl(initial));
  ctx.reply(334, undefined, encodeChallenge('Username:'));
  ask(ctx, (line) => askPassword(decodeSasl(line)));
}

/** Route the next line to `next`, handling "*" and turning thrown errors into replies. */
function ask(ctx: CommandContext, next: (line: string) => void | Promise<void>): void {
  ctx.expectLine({
    handle: async (line) => {
      if (isCancel(line)) return ctx.reply(501, '5.0.0', 'Authentication cancelled');
      try {
        await next(line);
      } catch (err) {
        const e = MailError.from(err, 'smtp');
        ctx.reply(e.code, e.enhanced, e.publicText);
      }
    },
  });
}

async function verify(ctx: CommandContext, mechanism: Mechanism, username: string, password: string): Promise<void> {
  const onAuth = ctx.options.hooks.onAuth;
  try {
    if (!onAuth) throw smtpError(454, '4.7.0', 'Temporary authentication failure');
    const { user } = await onAuth(ctx.session, { mechanism, username, password });
    ctx.session.user = user;
    ctx.session.updateTransmissionType();
    ctx.reply(235, '2.7.0', 'Authentication successful');
    ctx.trace.authSucceeded(mechanism, user);
  } catch (err) {
    refuse(ctx, mechanism, username, MailError.from(err, 'smtp'));
  }
}

function refuse(ctx: CommandContext, mechanism: Mechanism, username: string, err: MailError): void {
  ctx.reply(err.code, err.enhanced, err.publicText);
  ctx.trace.authFailed(mechanism, username, err.publicText);
}
