import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMimeTree } from '../../server/store/imap/mime/parse-structure.js';
import { listParts } from '../../server/store/imap/mime/sections.js';
import * as f from './imap-mime-fixtures.js';

describe('parseMimeTree', () => {
  it('a simple text message: default type, offsets, exact size and lines', () => {
    const raw = Buffer.from(f.simple);
    const tree = parseMimeTree(raw);
    assert.equal(tree.type, 'text');
    assert.equal(tree.subtype, 'plain');
    assert.equal(tree.params.get('charset'), 'us-ascii');
    assert.equal(tree.encoding, '7bit');
    assert.equal(tree.bodyStart, f.bytes(f.simpleHeader) + 2);
    assert.equal(tree.headerEnd, f.bytes(f.simpleHeader));
    assert.equal(tree.sizeBytes, f.bytes(f.simpleBody));
    assert.equal(tree.lines, f.lineCount(f.simpleBody));
    assert.equal(tree.lines, 4);
  });

  it('multipart/mixed with alternative, rfc822 and an RFC 2231 attachment', () => {
    const raw = Buffer.from(f.mixed);
    const tree = parseMimeTree(raw);
    assert.equal(`${tree.type}/${tree.subtype}`, 'multipart/mixed');
    assert.equal(tree.params.get('boundary'), 'outer-b');
    const parts = listParts(tree).map((p) => [p.part, `${p.node.type}/${p.node.subtype}`]);
    assert.deepEqual(parts, [
      ['1', 'text/plain'],
      ['2', 'multipart/alternative'],
      ['2.1', 'text/plain'],
      ['2.2', 'text/html'],
      ['3', 'message/rfc822'],
      ['3.1', 'text/plain'],
      ['4', 'application/pdf'],
    ]);
    const [p1, alt, p3, p4] = tree.children;
    assert.equal(raw.toString('utf8', p1!.bodyStart, p1!.bodyEnd), f.part1Body);
    assert.equal(p1!.sizeBytes, f.bytes(f.part1Body));
    assert.equal(p1!.lines, f.lineCount(f.part1Body));
    assert.equal(alt!.sizeBytes, f.bytes(f.altBody));
    assert.equal(alt!.lines, null);
    const p21 = alt!.children[0]!;
    assert.equal(p21.encoding, 'quoted-printable');
    assert.equal(raw.toString('utf8', p21.bodyStart, p21.bodyEnd), f.p21Body);
    assert.equal(p21.lines, 2);
    assert.equal(p3!.sizeBytes, f.bytes(f.part3Body));
    assert.equal(p3!.lines, f.lineCount(f.part3Body));
    assert.equal(p3!.description, 'forwarded message');
    assert.equal(p3!.message!.headerStart, p3!.bodyStart);
    assert.equal(p3!.message!.sizeBytes, f.bytes(f.innerBody));
    assert.equal(p4!.encoding, 'base64');
    assert.equal(p4!.contentId, '<att1@example.org>');
    assert.equal(p4!.sizeBytes, f.bytes(f.part4Body));
    assert.equal(p4!.lines, null);
    assert.equal(p4!.params.get('name'), 'résumé.pdf');
    assert.deepEqual(p4!.wireParams, [['name*', "utf-8''r%C3%A9sum%C3%A9.pdf"]]);
    assert.equal(p4!.disposition!.value, 'attachment');
    assert.equal(p4!.disposition!.params.get('filename'), 'résumé.pdf');
  });

  it('LF-only line ends are accepted, sizes count the bytes as stored', () => {
    const text = f.mixed.replace(/\r\n/g, '\n');
    const tree = parseMimeTree(Buffer.from(text));
    assert.equal(tree.children.length, 4);
    assert.equal(tree.children[1]!.children.length, 2);
    const p1Body = f.part1Body.replace(/\r\n/g, '\n');
    assert.equal(tree.children[0]!.sizeBytes, f.bytes(p1Body));
    assert.equal(tree.children[0]!.lines, 2);
    assert.equal(tree.children[2]!.message!.children.length, 0);
  });

  it('a multipart with no closing boundary ends its last part at the end', () => {
    const body =
      '--b' +
      f.CRLF +
      f.lines('Content-Type: text/plain') +
      f.CRLF +
      'one' +
      f.CRLF +
      '--b' +
      f.CRLF +
      f.CRLF +
      'two' +
      f.CRLF +
      'still two' +
      f.CRLF;
    const raw = Buffer.from(f.lines('Content-Type: multipart/mixed; boundary=b') + f.CRLF + body);
    const tree = parseMimeTree(raw);
    assert.equal(tree.children.length, 2);
    const last = tree.children[1]!;
    assert.equal(raw.toString('latin1', last.bodyStart, last.bodyEnd), 'two\r\nstill two\r\n');
    assert.equal(last.lines, 2);
    assert.equal(tree.children[0]!.sizeBytes, 3);
  });

  it('multipart/digest parts default to message/rfc822', () => {
    const msg = f.lines('Subject: in digest') + f.CRLF + 'digest body';
    const raw = Buffer.from(
      f.lines('Content-Type: multipart/digest; boundary="d"') +
        f.CRLF +
        '--d' +
        f.CRLF +
        f.CRLF +
        msg +
        f.CRLF +
        '--d--' +
        f.CRLF,
    );
    const child = parseMimeTree(raw).children[0]!;
    assert.equal(`${child.type}/${child.subtype}`, 'message/rfc822');
    assert.equal(child.message!.sizeBytes, 'digest body'.length);
  });

  it('unquoted boundary with tspecials, comments and transport padding', () => {
    const raw = Buffer.from(
      f.lines('Content-Type: Multipart/Mixed (c) ; BOUNDARY=----=_Part_1 (comment)') +
        f.CRLF +
        '------=_Part_1  ' +
        f.CRLF +
        f.CRLF +
        'a' +
        f.CRLF +
        '------=_Part_1--' +
        f.CRLF,
    );
    const tree = parseMimeTree(raw);
    assert.equal(tree.subtype, 'mixed');
    assert.equal(tree.children.length, 1);
    assert.equal(tree.children[0]!.sizeBytes, 1);
  });

  it('broken input degrades to text/plain and never throws', () => {
    const cases = [
      f.lines('Content-Type: multipart/mixed') + f.CRLF + 'no boundary param',
      f.lines('Content-Type: multipart/mixed; boundary=zz') + f.CRLF + 'boundary never appears',
      'no header at all, no blank line',
      f.lines('Subject: x', 'this is not a header line', 'Subject: y') + 'body?',
      f.lines('Content-Type: text') + f.CRLF + 'bad type',
      '',
      '\r\n',
      'Content-Type: multipart/mixed; boundary="',
      'A'.repeat(10) + ':' + '\u0000\u00ff'.repeat(50),
    ];
    for (const text of cases) {
      const tree = parseMimeTree(Buffer.from(text, 'latin1'));
      assert.equal(`${tree.type}/${tree.subtype}`, 'text/plain', text);
      assert.equal(tree.children.length, 0);
      assert.ok(tree.bodyStart <= tree.bodyEnd && tree.bodyEnd === Buffer.byteLength(text, 'latin1'));
    }
    const noBlank = parseMimeTree(Buffer.from(f.lines('Subject: x', 'not a header') + 'tail'));
    assert.equal(noBlank.bodyStart, f.bytes('Subject: x\r\n'));
  });

  it('deep nesting is cut off instead of overflowing the stack', () => {
    let text = 'innermost';
    for (let i = 0; i < 5000; i++) text = f.lines('Content-Type: message/rfc822') + f.CRLF + text;
    const tree = parseMimeTree(Buffer.from(text));
    let depth = 0;
    for (let n = tree; n.message; n = n.message) depth++;
    assert.ok(depth > 10 && depth < 100);
  });
});
