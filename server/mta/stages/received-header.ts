import { rfc5322Date } from '../headers.js';
import type { IncomingMessage, MessageStage } from './types.js';

/**
 * RFC 5321 §4.4 trace field, one per hop. Shape follows common MTAs:
 * Received: from HELO (REVERSE [IP]) by HOST (Mailscope) with PROTO id QUEUEID for <RCPT>; DATE
 * "for" is given only for a single recipient, so a Bcc list does not leak.
 */
export function receivedHeaderStage(hostname: string): MessageStage {
  return {
    name: 'received-header',
    run(message: IncomingMessage) {
      const { session } = message;
      const helo = session.clientHostname ?? 'unknown';
      const reverse = session.reverseName ?? 'unknown';
      const rcpts = session.envelope.rcptTo;
      const forClause = rcpts.length === 1 ? `\r\n\tfor <${rcpts[0]!.address}>` : '';
      const auth = session.user ? ` (authenticated as ${session.user})` : '';
      // unshift: the newest trace field goes on top of all others (RFC 5321 §4.4).
      message.addHeaders.unshift(
        `Received: from ${helo} (${reverse} [${session.remoteAddress}])${auth}\r\n` +
          `\tby ${hostname} (Mailscope) with ${session.transmissionType} id ${message.queueId}` +
          `${forClause};\r\n\t${rfc5322Date(message.receivedAt)}`,
      );
    },
  };
}
