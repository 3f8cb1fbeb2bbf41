import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandReader, type ReaderEvent } from '../../server/store/imap/syntax/command-reader.js';
import type { ImapCommand } from '../../server/store/imap/syntax/types.js';

function commandsOf(events: ReaderEvent[]): ImapCommand[] {
  return events.map((e) => {
    assert.equal(e.kind, 'command', JSON.stringify(e));
    return (e as { command: ImapCommand }).command;
  });
}

function one(line: string): ImapCommand {
  const cmds = commandsOf(new CommandReader().push(Buffer.from(line + '\r\n')));
  assert.equal(cmds.length, 1);
  return cmds[0]!;
}

test('Thunderbird first-sync lines parse into tag, verb and typed arguments', () => {
  assert.deepEqual(one('1 capability'), { tag: '1', verb: 'CAPABILITY', uid: false, args: [] });
  assert.deepEqual(one('2 namespace').verb, 'NAMESPACE');
  const id = one('3 ID ("name" "Thunderbird" "version" "153.0")');
  assert.deepEqual(id.args, [
    { type: 'list', items: ['name', 'Thunderbird', 'version', '153.0'].map((value) => ({ type: 'string', value })) },
  ]);
  assert.deepEqual(one('4 ENABLE UTF8=ACCEPT').args, [{ type: 'atom', value: 'UTF8=ACCEPT' }]);
  assert.deepEqual(one('5 xlist "" "%"'), {
    tag: '5',
    verb: 'XLIST',
    uid: false,
    args: [
      { type: 'string', value: '' },
      { type: 'string', value: '%' },
    ],
  });
  assert.deepEqual(one('6 list "" "*"').args[1], { type: 'string', value: '*' });
  assert.equal(one('7 lsub "" "*"').verb, 'LSUB');
  assert.deepEqual(one('8 select "INBOX"').args, [{ type: 'string', value: 'INBOX' }]);
  assert.equal(one('9 getquotaroot "INBOX"').verb, 'GETQUOTAROOT');
  assert.deepEqual(one('10 UID fetch 1:* (FLAGS)'), {
    tag: '10',
    verb: 'FETCH',
    uid: true,
    args: [
      { type: 'atom', value: '1:*' },
      { type: 'list', items: [{ type: 'atom', value: 'FLAGS' }] },
    ],
  });
  const hdr = one(
    '11 UID fetch 1:5 (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])',
  );
  const items = hdr.args[1];
  assert.equal(items?.type, 'list');
  const section = items.type === 'list' ? items.items[3] : undefined;
  assert.equal(section?.type, 'section');
  if (section?.type === 'section') {
    assert.equal(section.name, 'BODY.PEEK');
    assert.deepEqual(section.spec[0], { type: 'atom', value: 'HEADER.FIELDS' });
    const fields = section.spec[1];
    assert.equal(fields?.type === 'list' ? fields.items.length : 0, 14);
    assert.equal(section.partial, undefined);
  }
  const whole = one('12 UID fetch 3 (UID RFC822.SIZE BODY.PEEK[])');
  assert.deepEqual(whole.args[0], { type: 'number', value: 3, text: '3' });
  const text = one('13 UID fetch 3 (BODY.PEEK[TEXT]<0.2048>)').args[1];
  assert.deepEqual(text, {
    type: 'list',
    items: [
      {
        type: 'section',
        name: 'BODY.PEEK',
        spec: [{ type: 'atom', value: 'TEXT' }],
        partial: { offset: 0, length: 2048 },
        text: 'BODY.PEEK[TEXT]<0.2048>',
      },
    ],
  });
  assert.deepEqual(one('14 create "Trash"').args, [{ type: 'string', value: 'Trash' }]);
  assert.equal(one('15 subscribe "Trash"').verb, 'SUBSCRIBE');
  const status = one('16 STATUS "INBOX" (UIDNEXT MESSAGES UNSEEN RECENT)');
  assert.deepEqual(status.args[1], {
    type: 'list',
    items: ['UIDNEXT', 'MESSAGES', 'UNSEEN', 'RECENT'].map((value) => ({ type: 'atom', value })),
  });
  assert.equal(one('17 noop').verb, 'NOOP');
});

test('IDLE then DONE in one chunk: the server switches to raw-line mode between events', () => {
  const reader = new CommandReader();
  reader.feed(Buffer.from('18 IDLE\r\nDONE\r\n19 NOOP\r\n'));
  const idle = reader.next();
  assert.equal(idle?.kind === 'command' && idle.command.verb, 'IDLE');
  reader.setRawLineMode(true);
  assert.deepEqual(reader.next(), { kind: 'line', line: 'DONE' });
  reader.setRawLineMode(false);
  const noop = reader.next();
  assert.equal(noop?.kind === 'command' && noop.command.tag, '19');
  assert.equal(reader.next(), undefined);
});

test('the whole first sync works byte by byte', () => {
  const script = '1 capability\r\n2 namespace\r\n8 select "INBOX"\r\n13 UID fetch 3 (BODY.PEEK[TEXT]<0.2048>)\r\n';
  const reader = new CommandReader();
  const events: ReaderEvent[] = [];
  for (const byte of Buffer.from(script)) events.push(...reader.push(Buffer.from([byte])));
  assert.deepEqual(
    commandsOf(events).map((c) => c.tag),
    ['1', '2', '8', '13'],
  );
  assert.equal(reader.bufferedBytes, 0);
});

test('APPEND with a synchronising literal split across chunks asks for a continuation', () => {
  const reader = new CommandReader();
  const message = 'From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n';
  const first = reader.push(Buffer.from(`20 APPEND "Sent" (\\Seen) {${message.length}}\r\n`));
  assert.deepEqual(first, [{ kind: 'need-continuation', tag: '20', sizeBytes: message.length }]);
  assert.deepEqual(reader.push(Buffer.from(message.slice(0, 7))), []);
  assert.deepEqual(reader.push(Buffer.from(message.slice(7, 30))), []);
  const [cmd] = commandsOf(reader.push(Buffer.from(message.slice(30) + '\r\n')));
  assert.equal(cmd?.verb, 'APPEND');
  assert.deepEqual(cmd?.args.slice(0, 2), [
    { type: 'string', value: 'Sent' },
    { type: 'list', items: [{ type: 'atom', value: '\\Seen' }] },
  ]);
  assert.deepEqual(cmd?.args[2], { type: 'literal', value: Buffer.from(message) });
});

test('APPEND with LITERAL+ needs no continuation, and a date-time argument survives', () => {
  const reader = new CommandReader();
  const events = reader.push(Buffer.from('21 APPEND Drafts () "17-Jul-1996 02:44:25 -0700" {5+}\r\nhello\r\n'));
  const [cmd] = commandsOf(events);
  assert.deepEqual(cmd?.args, [
    { type: 'atom', value: 'Drafts' },
    { type: 'list', items: [] },
    { type: 'string', value: '17-Jul-1996 02:44:25 -0700' },
    { type: 'literal', value: Buffer.from('hello') },
  ]);
});

test('two literals in one command and a zero-length literal', () => {
  const reader = new CommandReader();
  const evs = reader.push(Buffer.from('22 LOGIN {4+}\r\nuser {0+}\r\n\r\n'));
  const [cmd] = commandsOf(evs);
  assert.deepEqual(cmd?.args, [
    { type: 'literal', value: Buffer.from('user') },
    { type: 'literal', value: Buffer.alloc(0) },
  ]);
});

test('a 100 MiB LITERAL+ over the limit is skipped with bounded memory, then reading continues', () => {
  const reader = new CommandReader({ maxLiteralBytes: 50 * 1024 * 1024 });
  const sizeBytes = 100 * 1024 * 1024;
  const events = reader.push(Buffer.from(`23 APPEND INBOX {${sizeBytes}+}\r\n`));
  assert.deepEqual(events, [{ kind: 'literal-too-big', tag: '23', sizeBytes, synchronizing: false }]);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let maxBuffered = 0;
  for (let sent = 0; sent < sizeBytes; sent += chunk.length) {
    assert.deepEqual(reader.push(chunk), []);
    maxBuffered = Math.max(maxBuffered, reader.bufferedBytes);
  }
  assert.ok(maxBuffered <= 64 * 1024, `buffered ${maxBuffered}`);
  // The rest of the APPEND line is discarded too; the next command is read normally.
  const after = reader.push(Buffer.from(')\r\n24 NOOP\r\n'));
  assert.deepEqual(
    commandsOf(after).map((c) => c.tag),
    ['24'],
  );
});

test('a synchronising literal over the limit is refused and no bytes are skipped', () => {
  const reader = new CommandReader({ maxLiteralBytes: 1000 });
  assert.deepEqual(reader.push(Buffer.from('25 APPEND INBOX {1001}\r\n26 NOOP\r\n')), [
    { kind: 'literal-too-big', tag: '25', sizeBytes: 1001, synchronizing: true },
    { kind: 'command', command: { tag: '26', verb: 'NOOP', uid: false, args: [] } },
  ]);
});

test('malformed lines give BAD events with the tag and the reader carries on', () => {
  const reader = new CommandReader();
  const input =
    [
      '30 FETCH 1 (FLAGS',
      '31 FETCH 1 FLAGS)',
      '32 APPEND INBOX {abc}',
      '33 LOGIN "unterminated',
      '',
      '*',
      '34',
      '35 select  "INBOX"',
      '36 LOGIN "a\\x" b',
      '37 NOOP',
    ].join('\r\n') + '\r\n';
  const events = reader.push(Buffer.from(input));
  const summary = events.map((e) =>
    e.kind === 'error' ? `BAD ${e.tag ?? '*'}` : e.kind === 'command' ? `OK ${e.command.tag}` : e.kind,
  );
  assert.deepEqual(summary, [
    'BAD 30',
    'BAD 31',
    'BAD 32',
    'BAD 33',
    'BAD *',
    'BAD *',
    'BAD 34',
    'BAD 35',
    'BAD 36',
    'OK 37',
  ]);
  const first = events[0];
  assert.equal(first?.kind === 'error' && first.text, 'Unbalanced parentheses');
});

test('an over-long line is reported once and discarded without buffering it', () => {
  const reader = new CommandReader({ maxLineBytes: 1024 });
  const events = reader.push(Buffer.from('40 SEARCH TEXT ' + 'x'.repeat(10_000)));
  assert.deepEqual(events, [{ kind: 'error', tag: '40', text: 'Line too long (over 1024 bytes)' }]);
  assert.ok(reader.bufferedBytes <= 1024);
  reader.push(Buffer.alloc(100_000, 0x78));
  assert.equal(reader.bufferedBytes, 0);
  const next = reader.push(Buffer.from('\r\n41 NOOP\r\n'));
  assert.deepEqual(
    commandsOf(next).map((c) => c.tag),
    ['41'],
  );
});

test('AUTHENTICATE continuation lines are read raw, including an empty one', () => {
  const reader = new CommandReader();
  reader.feed(Buffer.from('50 AUTHENTICATE PLAIN\r\nAHVzZXIAcGFzcw==\r\n\r\n'));
  assert.equal(reader.next()?.kind, 'command');
  reader.setRawLineMode(true);
  assert.deepEqual(reader.next(), { kind: 'line', line: 'AHVzZXIAcGFzcw==' });
  assert.deepEqual(reader.next(), { kind: 'line', line: '' });
});

test('mailbox names with brackets stay atoms; NIL and numbers are typed', () => {
  assert.deepEqual(one('60 select [Gmail]/Sent').args, [{ type: 'atom', value: '[Gmail]/Sent' }]);
  assert.deepEqual(one('61 STORE 1:3 +FLAGS.SILENT (\\Deleted)').args, [
    { type: 'atom', value: '1:3' },
    { type: 'atom', value: '+FLAGS.SILENT' },
    { type: 'list', items: [{ type: 'atom', value: '\\Deleted' }] },
  ]);
  assert.deepEqual(one('62 X nil 42').args, [{ type: 'nil' }, { type: 'number', value: 42, text: '42' }]);
  assert.deepEqual(one('63 UID FETCH 4 BODY[1.2.MIME]<10>').args[1], {
    type: 'section',
    name: 'BODY',
    spec: [{ type: 'atom', value: '1.2.MIME' }],
    partial: { offset: 10 },
    text: 'BODY[1.2.MIME]<10>',
  });
});

test('a skipped LITERAL+ followed by another LITERAL+ on the same command skips both', () => {
  const reader = new CommandReader({ maxLiteralBytes: 5 });
  const events = reader.push(Buffer.from('70 APPEND INBOX {10+}\r\n0123456789 {3+}\r\nabc\r\n71 NOOP\r\n'));
  assert.deepEqual(
    events.map((e) => e.kind),
    ['literal-too-big', 'command'],
  );
  const last = events[1];
  assert.equal(last?.kind === 'command' && last.command.tag, '71');
});

test('a LITERAL+ too big for the whole-command limit is refused even when each literal fits', () => {
  const reader = new CommandReader({ maxLiteralBytes: 100, maxCommandBytes: 150 });
  const events = reader.push(Buffer.from(`72 X {90+}\r\n${'a'.repeat(90)} {90+}\r\n${'b'.repeat(90)}\r\n73 NOOP\r\n`));
  assert.deepEqual(
    events.map((e) => e.kind),
    ['literal-too-big', 'command'],
  );
});

test('tags may use any ASTRING-CHAR except "+"; CR and NUL are refused in quoted strings', () => {
  assert.equal(one('a}1.x NOOP').tag, 'a}1.x');
  const events = new CommandReader().push(Buffer.from('+x NOOP\r\nb1 LOGIN "a\rb" c\r\nb2 LOGIN "a\0b" c\r\n'));
  assert.deepEqual(
    events.map((e) => (e.kind === 'error' ? (e.tag ?? '*') : e.kind)),
    ['*', 'b1', 'b2'],
  );
});
