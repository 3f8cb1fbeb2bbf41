/**
 * Messages for the IMAP MIME tests, built from named pieces so every expected offset,
 * size and line count is computed from the same strings the message is made of.
 */
export const CRLF = '\r\n';

export function lines(...l: string[]): string {
  return l.map((x) => x + CRLF).join('');
}

export const simpleHeader = lines(
  'From: Alice Example <alice@example.org>',
  'To: bob@example.net',
  'Subject: Hello',
  'Date: Mon, 3 Mar 2025 10:00:00 +0000',
  'Message-ID: <1@example.org>',
);
export const simpleBody = lines('Hi Bob,', '', 'see you.') + '-- Alice';
export const simple = simpleHeader + CRLF + simpleBody;

// The mixed message: 1 text/plain, 2 alternative (2.1, 2.2), 3 message/rfc822, 4 attachment.
export const part1Header = lines('Content-Type: text/plain; charset=utf-8');
export const part1Body = lines('Intro text.') + 'Second line.';
export const p21Header = lines(
  'Content-Type: text/plain; charset="utf-8"',
  'Content-Transfer-Encoding: quoted-printable',
);
export const p21Body = 'Plain =E2=82=AC' + CRLF + 'version';
export const p22Header = lines('Content-Type: text/html; charset=utf-8');
export const p22Body = '<p>HTML version</p>';
export const altHeader = lines('Content-Type: multipart/alternative; boundary="alt-b"');
export const altBody =
  'alt preamble' +
  CRLF +
  '--alt-b' +
  CRLF +
  p21Header +
  CRLF +
  p21Body +
  CRLF +
  '--alt-b' +
  CRLF +
  p22Header +
  CRLF +
  p22Body +
  CRLF +
  '--alt-b--' +
  CRLF;
export const innerHeader = lines(
  'From: "Carol, C." <carol@example.com>',
  'To: Alice Example <alice@example.org>',
  'Subject: Original',
  'Message-ID: <orig@example.com>',
);
export const innerBody = lines('The original text.', 'Two lines.');
export const part3Header = lines('Content-Type: message/rfc822', 'Content-Description: forwarded message');
export const part3Body = innerHeader + CRLF + innerBody;
export const part4Header = lines(
  'Content-Type: application/pdf;',
  " name*0*=utf-8''r%C3%A9;",
  ' name*1*=sum%C3%A9.pdf',
  'Content-Transfer-Encoding: base64',
  "Content-Disposition: attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf",
  'Content-ID: <att1@example.org>',
);
export const part4Body =
  lines('JVBERi0xLjQKJcOkw7zDtsOfCjIgMCBvYmoK', 'PDwvTGVuZ3RoIDMgMCBSL0ZpbHRlci9GbGF0') + 'ZURlY29kZT4+';
export const mixedHeader = lines(
  'From: Alice Example <alice@example.org>',
  'To: Bob <bob@example.net>, Dan <dan@example.net>',
  'Cc: undisclosed-recipients:;',
  'Subject: =?utf-8?q?R=C3=A9sum=C3=A9?= and a',
  '  long folded subject',
  'Date: Tue, 4 Mar 2025 09:00:00 +0100',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed;',
  '\tboundary="outer-b"',
);
export const mixedBody =
  'This is a MIME message.' +
  CRLF +
  '--outer-b' +
  CRLF +
  part1Header +
  CRLF +
  part1Body +
  CRLF +
  '--outer-b' +
  CRLF +
  altHeader +
  CRLF +
  altBody +
  CRLF +
  '--outer-b' +
  CRLF +
  part3Header +
  CRLF +
  part3Body +
  CRLF +
  '--outer-b' +
  CRLF +
  part4Header +
  CRLF +
  part4Body +
  CRLF +
  '--outer-b--' +
  CRLF +
  'epilogue' +
  CRLF;
export const mixed = mixedHeader + CRLF + mixedBody;

/** What the parser should count as lines: line breaks, plus a last unterminated line. */
export function lineCount(text: string): number {
  const breaks = (text.match(/\n/g) ?? []).length;
  return breaks + (text.length > 0 && !text.endsWith('\n') ? 1 : 0);
}

export function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
