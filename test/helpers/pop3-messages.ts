import { execFile } from 'node:child_process';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import type { MessageStore } from '../../server/store/message-store.js';
import { BOB, makeStore } from './pop3-fixture.js';

/** Sample mailbox for the POP3 server tests: plain, multipart, dot lines, no final CRLF. */
export const run = promisify(execFile);
export const crlf = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'));

export const SIMPLE = crlf(
  'From: Alice <alice@siroe.example>',
  'To: bob@siroe.example',
  'Subject: First',
  'Message-ID: <m1@siroe.example>',
  '',
  'Hello Bob,',
  'line two',
  'line three',
  '',
);
export const MULTIPART = crlf(
  'From: Alice <alice@siroe.example>',
  'To: bob@siroe.example',
  'Subject: Multipart',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  'This is a multi-part message.',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Plain part, caf\u00e9',
  '--b1',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  'Content-Disposition: attachment; filename="a.bin"',
  '',
  'AAECAwQF',
  '--b1--',
  '',
);
export const DOTS = crlf('Subject: Dots', '', '.hidden line', '..two dots', '.', 'end', '');
/** No CRLF after the last line: the server must add one before the terminator. */
export const NO_FINAL_CRLF = crlf('Subject: No final newline', '', 'last line');
export const MESSAGES = [SIMPLE, MULTIPART, DOTS, NO_FINAL_CRLF];

export async function seeded(t: TestContext): Promise<MessageStore> {
  const store = makeStore(t);
  for (const raw of MESSAGES) await store.deliver({ address: BOB, raw });
  return store;
}

export async function has(tool: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
}
