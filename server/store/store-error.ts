import { MailError } from '../core/mail-error.js';

/**
 * Why a store operation failed, named after the IMAP response codes of RFC 5530
 * so the IMAP layer can answer `NO [NONEXISTENT]`, `NO [ALREADYEXISTS]`, ... and
 * the LMTP layer can still use the SMTP code and enhanced status of the MailError.
 */
export type StoreErrorReason = 'NONEXISTENT' | 'ALREADYEXISTS' | 'CANNOT' | 'CLIENTBUG' | 'LIMIT' | 'UNAVAILABLE';

export class StoreError extends MailError {
  readonly reason: StoreErrorReason;

  constructor(reason: StoreErrorReason, code: number, enhanced: string, publicText: string, cause?: unknown) {
    super({ code, enhanced, publicText, component: 'store', cause });
    this.name = 'StoreError';
    this.reason = reason;
  }
}

export function noSuchMailbox(): StoreError {
  return new StoreError('NONEXISTENT', 550, '5.1.1', 'No such mailbox here');
}

export function noSuchFolder(name: string): StoreError {
  return new StoreError('NONEXISTENT', 550, '5.2.0', `No such folder: ${name}`);
}

export function folderExists(name: string): StoreError {
  return new StoreError('ALREADYEXISTS', 550, '5.2.0', `Folder already exists: ${name}`);
}

export function cannot(text: string): StoreError {
  return new StoreError('CANNOT', 550, '5.2.0', text);
}

export function badInput(text: string): StoreError {
  return new StoreError('CLIENTBUG', 501, '5.5.4', text);
}

export function tooBig(maxBytes: number): StoreError {
  return new StoreError('LIMIT', 552, '5.3.4', `Message too big for this store (limit ${maxBytes} bytes)`);
}

export function storeClosed(): StoreError {
  return new StoreError('UNAVAILABLE', 451, '4.3.2', 'Message store is shutting down');
}

/**
 * Turn a failure of SQLite or the disk into a temporary MailError: the queue keeps
 * the message and tries again, which is always better than losing it. A full disk
 * gets its own code (452 4.3.1) because that is what an operator must go and fix.
 */
export function storageError(err: unknown): MailError {
  if (err instanceof MailError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return new StoreError('UNAVAILABLE', 452, '4.3.1', 'Insufficient system storage', err);
  }
  return new StoreError('UNAVAILABLE', 451, '4.3.0', 'Local error in processing', err);
}
