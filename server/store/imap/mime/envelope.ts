import { fieldValue, firstField, readHeaderBlock } from './header-block.js';
import { parseAddressList } from './address-list.js';
import type { Envelope, ImapAddress, ImapValue } from './types.js';

/**
 * The ENVELOPE of a message (RFC 3501 7.4.2) from its header block. Texts are the raw
 * header values, unfolded: the RFC has the client decode encoded-words, not the server.
 * A missing or empty Sender / Reply-To takes the From value, as the RFC requires.
 */
export function envelope(headerBlock: Buffer | string): Envelope {
  const raw = typeof headerBlock === 'string' ? Buffer.from(headerBlock, 'utf8') : headerBlock;
  const block = readHeaderBlock(raw, 0, raw.length);
  const text = (name: string): string | null => {
    const f = firstField(block, name);
    return f ? fieldValue(raw, f) : null;
  };
  const addresses = (name: string): ImapAddress[] | null => {
    const value = text(name);
    const list = value === null ? [] : parseAddressList(value);
    return list.length > 0 ? list : null;
  };
  const from = addresses('from');
  return {
    date: text('date'),
    subject: text('subject'),
    from,
    sender: addresses('sender') ?? from,
    replyTo: addresses('reply-to') ?? from,
    to: addresses('to'),
    cc: addresses('cc'),
    bcc: addresses('bcc'),
    inReplyTo: text('in-reply-to'),
    messageId: text('message-id'),
  };
}

/** The envelope in wire order, as a list for the response writer. */
export function envelopeList(env: Envelope): ImapValue[] {
  return [
    env.date,
    env.subject,
    env.from,
    env.sender,
    env.replyTo,
    env.to,
    env.cc,
    env.bcc,
    env.inReplyTo,
    env.messageId,
  ];
}
