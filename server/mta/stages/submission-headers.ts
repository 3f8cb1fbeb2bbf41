import { hasHeader, headerBlock, rfc5322Date } from '../headers.js';
import type { IncomingMessage, MessageStage } from './types.js';

/**
 * RFC 6409 §8.2/8.3: a submission server may complete a message that lacks a
 * Message-ID or Date. Only on the submission listener: mail relayed from other MTAs
 * is not ours to change.
 */
export function submissionHeadersStage(hostname: string): MessageStage {
  return {
    name: 'submission-headers',
    run(message: IncomingMessage) {
      if (message.listener !== 'submission') return;
      const block = headerBlock(message.raw);
      if (!hasHeader(block, 'Message-ID')) {
        message.addHeaders.push(`Message-ID: <${message.queueId}@${hostname}>`);
      }
      if (!hasHeader(block, 'Date')) {
        message.addHeaders.push(`Date: ${rfc5322Date(message.receivedAt)}`);
      }
    },
  };
}
