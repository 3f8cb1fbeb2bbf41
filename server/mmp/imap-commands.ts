import type { Socket } from 'node:net';
import type { FailureDelay } from './failure-delay.js';
import { PRIVACY_REQUIRED, proxyImapLogIn, refuseImapLogin } from './imap-login.js';
import type { MmpImapSessionInfo } from './imap-connection.js';
import type { MmpImapTrace } from './imap-trace.js';
import type { MmpImapCloseReason, MmpImapOptions } from './imap-types.js';
import { asAString, type ImapCommand } from '../store/imap/syntax/types.js';

/** What a pre-login command may do to its connection. */
export interface MmpImapContext {
  readonly session: MmpImapSessionInfo;
  readonly options: MmpImapOptions;
  readonly trace: MmpImapTrace;
  readonly failures: FailureDelay;
  readonly signal: AbortSignal;
  readonly closing: boolean;
  send(line: string): void;
  tagged(tag: string, status: string): void;
  capabilities(): string[];
  plaintextAllowed(): boolean;
  canStartTls(): boolean;
  startTls(): void;
  /** The next client line goes to `handle` instead of the command parser (AUTHENTICATE). */
  awaitLine(prompt: string, handle: (line: string) => Promise<void>): void;
  beginRelay(backend: Socket, leftover: Buffer, okLine: string): void;
  close(reason: MmpImapCloseReason): void;
}

type Handler = (ctx: MmpImapContext, command: ImapCommand) => Promise<void> | void;

/** The commands the MMP answers itself before login; the rest wait for the store host. */
const COMMANDS: Record<string, Handler> = {
  CAPABILITY: (ctx, c) => {
    ctx.send(`* CAPABILITY ${ctx.capabilities().join(' ')}`);
    ctx.tagged(c.tag, 'OK CAPABILITY completed');
  },
  NOOP: (ctx, c) => ctx.tagged(c.tag, 'OK NOOP completed'),
  ID: (ctx, c) => {
    ctx.send('* ID NIL');
    ctx.tagged(c.tag, 'OK ID completed');
  },
  LOGOUT: (ctx, c) => {
    ctx.send('* BYE Logging out');
    ctx.tagged(c.tag, 'OK LOGOUT completed');
    ctx.close('logout');
  },
  STARTTLS: (ctx, c) => {
    if (!ctx.canStartTls()) return ctx.tagged(c.tag, 'BAD STARTTLS not available');
    ctx.tagged(c.tag, 'OK Begin TLS negotiation now');
    ctx.startTls();
  },
  LOGIN: async (ctx, c) => {
    if (c.args.length !== 2) return ctx.tagged(c.tag, 'BAD LOGIN takes a user name and a password');
    if (!ctx.plaintextAllowed()) return ctx.tagged(c.tag, `NO ${PRIVACY_REQUIRED}`);
    await proxyImapLogIn(ctx, c.tag, 'LOGIN', asAString(c.args[0], 'user name'), asAString(c.args[1], 'password'));
  },
  AUTHENTICATE: (ctx, c) => authenticate(ctx, c),
};

export function findMmpImapCommand(verb: string): Handler | undefined {
  return Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb] : undefined;
}

/** RFC 4959 / RFC 4616: AUTHENTICATE PLAIN, with the initial response inline or after `+ `. */
async function authenticate(ctx: MmpImapContext, c: ImapCommand): Promise<void> {
  const mechanism = asAString(c.args[0], 'mechanism').toUpperCase();
  if (mechanism !== 'PLAIN' || c.args.length > 2) return ctx.tagged(c.tag, 'NO Unsupported authentication mechanism');
  if (!ctx.plaintextAllowed()) return ctx.tagged(c.tag, `NO ${PRIVACY_REQUIRED}`);
  if (c.args.length === 2) return plainResponse(ctx, c.tag, asAString(c.args[1], 'initial response'));
  ctx.awaitLine('+ ', (line) => plainResponse(ctx, c.tag, line));
}

async function plainResponse(ctx: MmpImapContext, tag: string, response: string): Promise<void> {
  if (response === '*') return ctx.tagged(tag, 'BAD Authentication cancelled');
  const text = response === '=' ? '' : response;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    return ctx.tagged(tag, 'BAD Invalid base64');
  }
  const parts = Buffer.from(text, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return refuseImapLogin(ctx, tag, 'PLAIN', '', 'malformed PLAIN response');
  const [authzid, authcid, password] = parts as [string, string, string];
  if (authzid !== '' && authzid !== authcid) {
    return refuseImapLogin(ctx, tag, 'PLAIN', authcid, 'proxy authorization not supported');
  }
  await proxyImapLogIn(ctx, tag, 'PLAIN', authcid, password);
}
