import type { SmtpSession } from '../smtp/types.js';

/**
 * A message on its way from the end of DATA to the queue. Stages (principle 3) each do
 * one thing: add a header, give a verdict. A stage refuses by throwing MailError.
 */
export interface IncomingMessage {
  queueId: string;
  session: SmtpSession;
  /** Which listener took it: 'smtp' (inbound MX) or 'submission'. */
  listener: 'smtp' | 'submission';
  raw: Buffer;
  receivedAt: number;
  /** Fields to prepend, in order, once every stage has run. */
  addHeaders: string[];
  /** Set by a stage that quarantines the message: it is queued held, with this reason. */
  hold?: { reason: string };
}

export interface MessageStage {
  readonly name: string;
  run(message: IncomingMessage): Promise<void> | void;
}
