import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envelope, envelopeList } from '../../server/store/imap/mime/envelope.js';
import { bodyStructure } from '../../server/store/imap/mime/bodystructure.js';
import { parseMimeTree } from '../../server/store/imap/mime/parse-structure.js';
import * as f from './imap-mime-fixtures.js';

describe('envelope', () => {
  it('simple message; sender and reply-to default to from', () => {
    const env = envelope(f.simpleHeader);
    assert.deepEqual(envelopeList(env), [
      'Mon, 3 Mar 2025 10:00:00 +0000',
      'Hello',
      [['Alice Example', null, 'alice', 'example.org']],
      [['Alice Example', null, 'alice', 'example.org']],
      [['Alice Example', null, 'alice', 'example.org']],
      [[null, null, 'bob', 'example.net']],
      null,
      null,
      null,
      '<1@example.org>',
    ]);
  });

  it('group syntax, raw encoded-word subject unfolded', () => {
    const env = envelope(Buffer.from(f.mixedHeader));
    assert.equal(env.subject, '=?utf-8?q?R=C3=A9sum=C3=A9?= and a  long folded subject');
    assert.deepEqual(env.cc, [
      [null, null, 'undisclosed-recipients', null],
      [null, null, null, null],
    ]);
    assert.deepEqual(env.to, [
      ['Bob', null, 'bob', 'example.net'],
      ['Dan', null, 'dan', 'example.net'],
    ]);
    assert.equal(envelope('To: undisclosed-recipients:;\r\n\r\n').to!.length, 2);
  });

  it('addresses: quotes, comments, routes, groups with members, missing host', () => {
    const env = envelope(
      'From: "Doe, John" <john@x.org>\r\n' +
        'Sender: jane@x.org (Jane Q)\r\n' +
        'Reply-To:\r\n' +
        'To: team: a@x.org, B <b@x.org>; , <@r1.net,@r2.net:c@y.org>, root\r\n' +
        'Bcc: "odd \\"one\\""@z.org, =?utf-8?b?w6k=?= <e@z.org>\r\n\r\n',
    );
    assert.deepEqual(env.from, [['Doe, John', null, 'john', 'x.org']]);
    assert.deepEqual(env.sender, [['Jane Q', null, 'jane', 'x.org']]);
    assert.deepEqual(env.replyTo, env.from);
    assert.deepEqual(env.to, [
      [null, null, 'team', null],
      [null, null, 'a', 'x.org'],
      ['B', null, 'b', 'x.org'],
      [null, null, null, null],
      [null, '@r1.net,@r2.net', 'c', 'y.org'],
      [null, null, 'root', ''],
    ]);
    assert.deepEqual(env.bcc, [
      [null, null, '"odd \\"one\\""', 'z.org'],
      ['=?utf-8?b?w6k=?=', null, 'e', 'z.org'],
    ]);
  });

  it('no header fields at all gives all NIL', () => {
    assert.deepEqual(envelopeList(envelope('')), Array(10).fill(null));
  });
});

describe('bodyStructure', () => {
  it('simple message, BODY and BODYSTRUCTURE', () => {
    const tree = parseMimeTree(Buffer.from(f.simple));
    const size = f.bytes(f.simpleBody);
    const lines = f.lineCount(f.simpleBody);
    assert.deepEqual(bodyStructure(tree, false), [
      'TEXT',
      'PLAIN',
      ['CHARSET', 'us-ascii'],
      null,
      null,
      '7BIT',
      size,
      lines,
    ]);
    assert.deepEqual(bodyStructure(tree, true), [
      'TEXT',
      'PLAIN',
      ['CHARSET', 'us-ascii'],
      null,
      null,
      '7BIT',
      size,
      lines,
      null,
      null,
      null,
      null,
    ]);
  });

  it('the mixed message, extended', () => {
    const tree = parseMimeTree(Buffer.from(f.mixed));
    const bs = bodyStructure(tree, true);
    const text1 = [
      'TEXT',
      'PLAIN',
      ['CHARSET', 'utf-8'],
      null,
      null,
      '7BIT',
      f.bytes(f.part1Body),
      2,
      null,
      null,
      null,
      null,
    ];
    const p21 = [
      'TEXT',
      'PLAIN',
      ['CHARSET', 'utf-8'],
      null,
      null,
      'QUOTED-PRINTABLE',
      f.bytes(f.p21Body),
      2,
      null,
      null,
      null,
      null,
    ];
    const p22 = [
      'TEXT',
      'HTML',
      ['CHARSET', 'utf-8'],
      null,
      null,
      '7BIT',
      f.bytes(f.p22Body),
      1,
      null,
      null,
      null,
      null,
    ];
    const alt = [p21, p22, 'ALTERNATIVE', ['BOUNDARY', 'alt-b'], null, null, null];
    const innerBs = [
      'TEXT',
      'PLAIN',
      ['CHARSET', 'us-ascii'],
      null,
      null,
      '7BIT',
      f.bytes(f.innerBody),
      2,
      null,
      null,
      null,
      null,
    ];
    const innerEnv = [
      null,
      'Original',
      [['Carol, C.', null, 'carol', 'example.com']],
      [['Carol, C.', null, 'carol', 'example.com']],
      [['Carol, C.', null, 'carol', 'example.com']],
      [['Alice Example', null, 'alice', 'example.org']],
      null,
      null,
      null,
      '<orig@example.com>',
    ];
    const rfc822 = [
      'MESSAGE',
      'RFC822',
      null,
      null,
      'forwarded message',
      '7BIT',
      f.bytes(f.part3Body),
      innerEnv,
      innerBs,
      f.lineCount(f.part3Body),
      null,
      null,
      null,
      null,
    ];
    const pdf = [
      'APPLICATION',
      'PDF',
      ['NAME*', "utf-8''r%C3%A9sum%C3%A9.pdf"],
      '<att1@example.org>',
      null,
      'BASE64',
      f.bytes(f.part4Body),
      null,
      ['ATTACHMENT', ['FILENAME*', "utf-8''r%C3%A9sum%C3%A9.pdf"]],
      null,
      null,
    ];
    assert.deepEqual(bs, [text1, alt, rfc822, pdf, 'MIXED', ['BOUNDARY', 'outer-b'], null, null, null]);
    const plain = bodyStructure(tree, false);
    assert.equal(plain.length, 5);
    assert.deepEqual((plain[2] as unknown[])[8], innerBs.slice(0, 8));
  });

  it('language and location', () => {
    const raw =
      f.lines('Content-Type: text/plain', 'Content-Language: en, de (German)', 'Content-Location: http://x/y') +
      f.CRLF +
      'x';
    const bs = bodyStructure(parseMimeTree(Buffer.from(raw)), true);
    assert.deepEqual(bs.slice(-2), [['en', 'de'], 'http://x/y']);
    assert.deepEqual(bs[2], null);
  });
});
