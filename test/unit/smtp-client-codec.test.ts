import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeBody } from '../../server/mta/smtp/body-encoding.js';
import { ReplyParser, ReplyProtocolError } from '../../server/mta/smtp/client-replies.js';
import { DataReader } from '../../server/mta/smtp/data-reader.js';

describe('ReplyParser', () => {
  test('joins continuation lines and splits off enhanced codes', () => {
    const parser = new ReplyParser();
    assert.deepEqual(parser.push(Buffer.from('250-mx.example\r\n250-PIPE')), []);
    const [ehlo, rcpt] = parser.push(Buffer.from('LINING\r\n250 SIZE 10\r\n550 5.1.1 No such user\r\n'));
    assert.deepEqual(ehlo, {
      code: 250,
      enhanced: undefined,
      lines: ['mx.example', 'PIPELINING', 'SIZE 10'],
      text: 'mx.example PIPELINING SIZE 10',
    });
    assert.deepEqual(rcpt, { code: 550, enhanced: '5.1.1', lines: ['No such user'], text: 'No such user' });
  });

  test('an enhanced code of the wrong class is text, a bare code is a reply', () => {
    const parser = new ReplyParser();
    const [a, b] = parser.push(Buffer.from('250 5.1.1 odd\r\n354\r\n'));
    assert.equal(a!.enhanced, undefined);
    assert.equal(a!.text, '5.1.1 odd');
    assert.equal(b!.code, 354);
  });

  test('garbage and endless lines are protocol errors', () => {
    assert.throws(() => new ReplyParser().push(Buffer.from('hello\r\n')), ReplyProtocolError);
    assert.throws(() => new ReplyParser().push(Buffer.from('250-a\r\n251 b\r\n')), ReplyProtocolError);
    assert.throws(() => new ReplyParser().push(Buffer.alloc(10_000, 0x41)), ReplyProtocolError);
  });
});

describe('encodeBody', () => {
  test('stuffs leading dots, normalizes bare LF, adds the final CRLF and terminator', () => {
    const out = encodeBody(Buffer.from('.a\r\nb\n..c\r\n.\r\nend'));
    assert.equal(out.toString(), '..a\r\nb\r\n...c\r\n..\r\nend\r\n.\r\n');
    assert.equal(encodeBody(Buffer.alloc(0)).toString(), '.\r\n');
    assert.equal(encodeBody(Buffer.from('x\r\n')).toString(), 'x\r\n.\r\n');
  });

  test('round-trips through the server DataReader', () => {
    const original = Buffer.from('Subject: t\r\n\r\n.\r\n..\r\n.x\r\n\xff\xfe bytes\r\n', 'latin1');
    const reader = new DataReader(1 << 20);
    const pushed = reader.push(encodeBody(original));
    assert.equal(pushed.done, true);
    assert.deepEqual(reader.message(), original);
  });
});
