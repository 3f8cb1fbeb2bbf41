import { rfc5322Date } from '../headers.js';

export interface DsnRecipient {
  address: string;
  originalAddress: string;
  /** Enhanced status code reported in Status:, e.g. "5.1.1". */
  status: string;
  /** Why, as the remote end (or the lab) said it. */
  diagnostic: string;
  remoteHost?: string;
}

export type DsnAction = 'failed' | 'delayed' | 'delivered';

export interface DsnInput {
  /** RFC 3464 §2.3.3: what happened to the recipients reported on. Default failed. */
  action?: DsnAction;
  reportingMta: string;
  dsnQueueId: string;
  originalQueueId: string;
  /** The sender's ENVID (RFC 3461), echoed as Original-Envelope-Id. */
  envId?: string;
  sender: string;
  arrivalDate: number;
  now: number;
  recipients: DsnRecipient[];
  original: Buffer;
}

/**
 * A delivery status notification (RFC 3464): multipart/report with a human part,
 * the machine-readable message/delivery-status, and the original headers
 * (text/rfc822-headers — the body is not sent back, as most MTAs do).
 */
const WORDING: Record<DsnAction, { subject: string; text: string[]; part: string }> = {
  failed: {
    subject: 'Undelivered Mail Returned to Sender',
    text: [
      "I'm sorry to have to inform you that your message could not",
      'be delivered to one or more recipients. The reasons are below.',
    ],
    part: 'Undelivered Message Headers',
  },
  delayed: {
    subject: 'Delayed Mail (still being retried)',
    text: [
      'This is a warning only: you do not need to send your message again.',
      'It could not be delivered yet to the recipients below; the mail system will keep trying.',
    ],
    part: 'Delayed Message Headers',
  },
  delivered: {
    subject: 'Successful Mail Delivery Report',
    text: ['Your message was delivered to the recipients below, as you asked to be told (NOTIFY=SUCCESS).'],
    part: 'Delivered Message Headers',
  },
};

export function buildDsn(input: DsnInput): Buffer {
  const action = input.action ?? 'failed';
  const wording = WORDING[action];
  const boundary = `${input.dsnQueueId}/${input.reportingMta}`;
  const human = [
    `This is the mail system at host ${input.reportingMta}.`,
    '',
    ...wording.text,
    '',
    ...input.recipients.map((r) => `<${r.address}>: ${r.diagnostic}`),
    '',
  ];
  const perRecipient = input.recipients.flatMap((r) => [
    '',
    `Final-Recipient: rfc822; ${r.address}`,
    ...(r.originalAddress && r.originalAddress.toLowerCase() !== r.address.toLowerCase()
      ? [`Original-Recipient: rfc822; ${r.originalAddress}`]
      : []),
    `Action: ${action}`,
    `Status: ${r.status}`,
    ...(r.remoteHost ? [`Remote-MTA: dns; ${r.remoteHost}`] : []),
    `Diagnostic-Code: smtp; ${r.diagnostic.replace(/\r?\n/g, ' ')}`,
  ]);
  const lines = [
    `From: Mail Delivery System <MAILER-DAEMON@${input.reportingMta}>`,
    `To: <${input.sender}>`,
    `Subject: ${wording.subject}`,
    `Date: ${rfc5322Date(input.now)}`,
    `Message-ID: <${input.dsnQueueId}@${input.reportingMta}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${boundary}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...human,
    `--${boundary}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    ...(input.envId ? [`Original-Envelope-Id: ${input.envId}`] : []),
    `Reporting-MTA: dns; ${input.reportingMta}`,
    `X-Mailscope-Queue-ID: ${input.originalQueueId}`,
    `Arrival-Date: ${rfc5322Date(input.arrivalDate)}`,
    ...perRecipient,
    '',
    `--${boundary}`,
    `Content-Description: ${wording.part}`,
    'Content-Type: text/rfc822-headers',
    'Content-Transfer-Encoding: 8bit',
    '',
    '',
  ];
  const end = input.original.indexOf('\r\n\r\n');
  const originalHeaders = end < 0 ? input.original : input.original.subarray(0, end + 2);
  // The original header bytes go back untouched (they may be 8-bit in any charset).
  return Buffer.concat([
    Buffer.from(lines.join('\r\n'), 'utf8'),
    originalHeaders,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

/** The enhanced status code at the start of a diagnostic, or one derived from the basic code. */
export function statusOf(text: string, code: number | undefined): string {
  const m = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text);
  // A temporary status stays as it was when the queue gave up (as Postfix reports it).
  if (m) return m[1]!;
  return code !== undefined && code >= 500 ? '5.0.0' : '4.4.7';
}
