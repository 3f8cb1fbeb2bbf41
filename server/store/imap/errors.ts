import { MailError } from '../../core/mail-error.js';
import { StoreError } from '../store-error.js';
import { ImapNoError, ImapSyntaxError } from './syntax/types.js';

export interface FailureReply {
  status: 'NO' | 'BAD';
  code?: string;
  text: string;
}

/**
 * The tagged answer for a command that threw: syntax → BAD; a refusal or a store
 * failure → NO with its RFC 5530 response code; anything else is our bug, said so.
 */
export function failureReply(err: unknown): FailureReply {
  if (err instanceof ImapSyntaxError) return { status: 'BAD', text: err.message };
  if (err instanceof ImapNoError) return { status: 'NO', text: err.message, ...(err.code && { code: err.code }) };
  if (err instanceof StoreError) return { status: 'NO', code: err.reason, text: err.publicText };
  if (err instanceof MailError) return { status: 'NO', code: 'UNAVAILABLE', text: err.publicText };
  return { status: 'NO', code: 'SERVERBUG', text: 'Internal error' };
}
