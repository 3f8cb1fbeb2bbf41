import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MailError } from '../../server/core/mail-error.js';
import { isValidMailbox, parsePathArgs } from '../../server/mta/smtp/address.js';
import { checkMailParams, checkRcptParams } from '../../server/mta/smtp/params.js';
import { formatReply } from '../../server/mta/smtp/reply.js';
import { decodeSasl, parsePlain } from '../../server/mta/smtp/sasl.js';

function replyCode(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MailError, 'a MailError');
    return `${err.code} ${err.enhanced}`;
  }
  return 'ok';
}

describe('MAIL/RCPT path syntax', () => {
  test('parses address and upper-cased parameters', () => {
    assert.deepEqual(parsePathArgs('FROM:<a@siroe.example> size=100 BODY=8BITMIME SMTPUTF8', 'FROM'), {
      address: 'a@siroe.example',
      params: { SIZE: '100', BODY: '8BITMIME', SMTPUTF8: true },
    });
    assert.deepEqual(parsePathArgs('to: <b@siroe.example>', 'TO'), { address: 'b@siroe.example', params: {} });
  });

  test('null sender, quoted local part with > and spaces, source route', () => {
    assert.equal(parsePathArgs('FROM:<>', 'FROM').address, '');
    assert.equal(parsePathArgs('TO:<"odd > name"@siroe.example>', 'TO').address, '"odd > name"@siroe.example');
    assert.equal(parsePathArgs('TO:<@relay.example,@b.example:c@siroe.example>', 'TO').address, 'c@siroe.example');
  });

  test('refuses bad command syntax with 501 5.5.4', () => {
    assert.equal(
      replyCode(() => parsePathArgs('FROM:a@siroe.example', 'FROM')),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => parsePathArgs('FROM:<a@siroe.example', 'FROM')),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => parsePathArgs('TO:<a@siroe.example>', 'FROM')),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => parsePathArgs('FROM:<a@siroe.example>X', 'FROM')),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => parsePathArgs('FROM:<a@siroe.example> SIZE=1 SIZE=2', 'FROM')),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => parsePathArgs('FROM:<a@siroe.example> =x', 'FROM')),
      '501 5.5.4',
    );
  });

  test('mailbox validity, UTF-8 included', () => {
    for (const ok of [
      'a@siroe.example',
      'a.b+c@x-y.example',
      '"a b"@siroe.example',
      '用户@siroe.example',
      'x@[127.0.0.1]',
      'x@[IPv6:::1]',
    ]) {
      assert.equal(isValidMailbox(ok), true, ok);
    }
    for (const bad of [
      'a',
      '@siroe.example',
      'a@',
      'a..b@siroe.example',
      'a@-x.example',
      'a@x..example',
      'a b@siroe.example',
      `${'l'.repeat(65)}@x.example`,
      'x@[1.2.3]',
    ]) {
      assert.equal(isValidMailbox(bad), false, bad);
    }
  });
});

describe('ESMTP parameters', () => {
  test('MAIL parameters: values checked, SIZE against the limit, unknown ones 555', () => {
    assert.equal(
      replyCode(() =>
        checkMailParams({ SIZE: '100', BODY: '8bitmime', SMTPUTF8: true, RET: 'HDRS', ENVID: 'q1' }, 1000),
      ),
      'ok',
    );
    assert.equal(
      replyCode(() => checkMailParams({ SIZE: '1001' }, 1000)),
      '552 5.3.4',
    );
    assert.equal(
      replyCode(() => checkMailParams({ SIZE: 'big' }, 1000)),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => checkMailParams({ BODY: 'BINARYMIME' }, 1000)),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => checkMailParams({ SMTPUTF8: 'yes' }, 1000)),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => checkMailParams({ XFOO: true }, 1000)),
      '555 5.5.4',
    );
  });

  test('RCPT parameters: NOTIFY and ORCPT', () => {
    assert.equal(
      replyCode(() => checkRcptParams({ NOTIFY: 'SUCCESS,FAILURE', ORCPT: 'rfc822;a@b.example' })),
      'ok',
    );
    assert.equal(
      replyCode(() => checkRcptParams({ NOTIFY: 'NEVER' })),
      'ok',
    );
    assert.equal(
      replyCode(() => checkRcptParams({ NOTIFY: 'NEVER,SUCCESS' })),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => checkRcptParams({ ORCPT: 'nosemicolon' })),
      '501 5.5.4',
    );
    assert.equal(
      replyCode(() => checkRcptParams({ SIZE: '1' })),
      '555 5.5.4',
    );
  });
});

describe('replies and SASL', () => {
  test('multi-line replies use dashes on all but the last line', () => {
    assert.equal(formatReply({ code: 250, lines: ['a', 'b', 'c'] }), '250-a\r\n250-b\r\n250 c\r\n');
    assert.equal(formatReply({ code: 550, enhanced: '5.1.1', lines: ['No'] }), '550 5.1.1 No\r\n');
    assert.equal(formatReply({ code: 334, lines: [''] }), '334 \r\n');
  });

  test('strict base64 and the PLAIN message format', () => {
    assert.equal(decodeSasl(Buffer.from('alice').toString('base64')), 'alice');
    assert.equal(decodeSasl('='), '');
    assert.equal(
      replyCode(() => decodeSasl('not base64!')),
      '501 5.5.2',
    );
    assert.equal(
      replyCode(() => decodeSasl('YWxpY2U')),
      '501 5.5.2',
    );
    assert.deepEqual(parsePlain('\0alice\0secret'), { authzid: '', username: 'alice', password: 'secret' });
    assert.equal(
      replyCode(() => parsePlain('alice\0secret')),
      '501 5.5.2',
    );
  });
});
