import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandReader } from '../../server/store/imap/syntax/command-reader.js';
import {
  fetchItemResponseName,
  fetchSetsSeen,
  parseFetchItems,
  parseFetchModifiers,
} from '../../server/store/imap/syntax/fetch-items.js';
import { parseSearch } from '../../server/store/imap/syntax/search-keys.js';
import { ImapNoError, ImapSyntaxError, type ImapCommand } from '../../server/store/imap/syntax/types.js';

function command(line: string): ImapCommand {
  const [ev] = new CommandReader().push(Buffer.from(line + '\r\n'));
  assert.equal(ev?.kind, 'command', JSON.stringify(ev));
  return (ev as { command: ImapCommand }).command;
}

const fetchOf = (items: string) => parseFetchItems(command(`1 FETCH 1 ${items}`).args[1]);
const searchOf = (criteria: string) => parseSearch(command(`1 SEARCH ${criteria}`).args);

test('Thunderbird header fetch becomes typed items with a HEADER.FIELDS section', () => {
  const items = fetchOf(
    '(UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From To Cc Bcc Subject Date Message-ID Priority X-Priority References Newsgroups In-Reply-To Content-Type Reply-To)])',
  );
  assert.deepEqual(items.slice(0, 3), [{ kind: 'UID' }, { kind: 'RFC822.SIZE' }, { kind: 'FLAGS' }]);
  const body = items[3]!;
  assert.equal(body.kind, 'BODY[]');
  if (body.kind === 'BODY[]') {
    assert.equal(body.peek, true);
    assert.equal(body.section.text, 'HEADER.FIELDS');
    assert.equal(body.section.fields?.length, 14);
    assert.deepEqual(body.section.part, []);
  }
  assert.equal(fetchSetsSeen(body), false);
  assert.match(fetchItemResponseName(body), /^BODY\[HEADER\.FIELDS \(FROM TO CC BCC SUBJECT /);
});

test('sections, partials, macros and the simple items', () => {
  assert.deepEqual(fetchOf('(BODY.PEEK[TEXT]<0.2048>)'), [
    { kind: 'BODY[]', peek: true, section: { part: [], text: 'TEXT' }, partial: { offset: 0, length: 2048 } },
  ]);
  const [whole] = fetchOf('BODY[]');
  assert.deepEqual(whole, { kind: 'BODY[]', peek: false, section: { part: [] } });
  assert.equal(fetchSetsSeen(whole!), true);
  assert.deepEqual(fetchOf('BODY[1.2.TEXT]')[0], {
    kind: 'BODY[]',
    peek: false,
    section: { part: [1, 2], text: 'TEXT' },
  });
  assert.deepEqual(fetchOf('BODY[3]')[0], { kind: 'BODY[]', peek: false, section: { part: [3] } });
  const mime = fetchOf('BODY.PEEK[2.MIME]<5.10>')[0]!;
  assert.equal(fetchItemResponseName(mime), 'BODY[2.MIME]<5>');
  assert.deepEqual(fetchOf('BODY[HEADER.FIELDS.NOT (Received)]')[0], {
    kind: 'BODY[]',
    peek: false,
    section: { part: [], text: 'HEADER.FIELDS.NOT', fields: ['Received'] },
  });
  assert.deepEqual(
    fetchOf('ALL').map((i) => i.kind),
    ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  );
  assert.deepEqual(
    fetchOf('fast').map((i) => i.kind),
    ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  );
  assert.deepEqual(
    fetchOf('FULL').map((i) => i.kind),
    ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
  );
  assert.deepEqual(
    fetchOf('(INTERNALDATE ENVELOPE BODY BODYSTRUCTURE RFC822 RFC822.HEADER RFC822.TEXT MODSEQ)').map((i) => i.kind),
    ['INTERNALDATE', 'ENVELOPE', 'BODY', 'BODYSTRUCTURE', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'MODSEQ'],
  );
  assert.deepEqual(parseFetchModifiers(command('1 FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)').args[2]), {
    changedSince: 12345,
  });
});

test('invalid FETCH items are syntax errors with a message', () => {
  for (const bad of [
    '(FLAGS BOGUS)',
    '()',
    'BODY[MIME]',
    'BODY[0]',
    'BODY[HEADER.FIELDS]',
    'BODY[HEADER.FIELDS ()]',
    'BODY[TEXT (a)]',
    'BODY[1.FOO]',
    'BODY[]<0.0>',
    'BINARY[1]',
    '"FLAGS"',
    '(ALL)',
  ]) {
    assert.throws(() => fetchOf(bad), ImapSyntaxError, bad);
  }
  assert.throws(() => parseFetchItems(undefined), /Missing FETCH data items/);
});

test('search criteria become a tree with an implicit AND', () => {
  assert.deepEqual(searchOf('UNSEEN'), { criteria: { op: 'flag', flag: '\\Seen', set: false } });
  assert.deepEqual(searchOf('CHARSET UTF-8 FROM "Ann" SINCE 1-Feb-1994 NOT DELETED'), {
    charset: 'UTF-8',
    criteria: {
      op: 'and',
      keys: [
        { op: 'header', field: 'FROM', value: 'Ann' },
        { op: 'date', field: 'internal', cmp: 'since', date: { year: 1994, month: 2, day: 1 } },
        { op: 'not', key: { op: 'flag', flag: '\\Deleted', set: true } },
      ],
    },
  });
  assert.deepEqual(searchOf('OR (SEEN FLAGGED) UID 1:5,9 2:*').criteria, {
    op: 'and',
    keys: [
      {
        op: 'or',
        left: {
          op: 'and',
          keys: [
            { op: 'flag', flag: '\\Seen', set: true },
            { op: 'flag', flag: '\\Flagged', set: true },
          ],
        },
        right: {
          op: 'uid',
          set: [
            { start: 1, end: 5 },
            { start: 9, end: 9 },
          ],
        },
      },
      { op: 'seq', set: [{ start: 2, end: '*' }] },
    ],
  });
  assert.deepEqual(
    searchOf('HEADER Message-ID "<x@y>" LARGER 1000 SMALLER 5 KEYWORD $Junk SENTBEFORE 03-Mar-2020 MODSEQ 7').criteria,
    {
      op: 'and',
      keys: [
        { op: 'header', field: 'MESSAGE-ID', value: '<x@y>' },
        { op: 'size', cmp: 'larger', sizeBytes: 1000 },
        { op: 'size', cmp: 'smaller', sizeBytes: 5 },
        { op: 'flag', flag: '$Junk', set: true },
        { op: 'date', field: 'sent', cmp: 'before', date: { year: 2020, month: 3, day: 3 } },
        { op: 'modseq', modseq: 7 },
      ],
    },
  );
  assert.deepEqual(searchOf('NEW').criteria, {
    op: 'and',
    keys: [
      { op: 'recent', set: true },
      { op: 'flag', flag: '\\Seen', set: false },
    ],
  });
  assert.deepEqual(searchOf('OLD ALL 5').criteria, {
    op: 'and',
    keys: [{ op: 'recent', set: false }, { op: 'all' }, { op: 'seq', set: [{ start: 5, end: 5 }] }],
  });
  const literal = parseSearch(
    new CommandReader()
      .push(Buffer.from('1 SEARCH CHARSET UTF-8 BODY {6+}\r\nGrüß\r\n'))
      .map((e) => (e.kind === 'command' ? e.command.args : []))[0]!,
  );
  assert.deepEqual(literal.criteria, { op: 'body', value: 'Grüß' });
});

test('bad search criteria: BAD for syntax, NO [BADCHARSET] for a charset', () => {
  assert.throws(() => parseSearch([]), /Missing search criteria/);
  for (const bad of [
    'FROM',
    'BEFORE 31-Foo-2020',
    'SINCE 2020-01-01',
    'LARGER x',
    'OR SEEN',
    'NOT',
    'BOGUS',
    '()',
    'UID x',
  ]) {
    assert.throws(() => searchOf(bad), ImapSyntaxError, bad);
  }
  assert.throws(
    () => searchOf('CHARSET KOI8-R ALL'),
    (err: unknown) => err instanceof ImapNoError && err.code === 'BADCHARSET (UTF-8 US-ASCII)',
  );
});
