import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMimeTree } from '../../server/store/imap/mime/parse-structure.js';
import { partial, sectionBytes } from '../../server/store/imap/mime/sections.js';
import * as f from './imap-mime-fixtures.js';

const raw = Buffer.from(f.mixed);
const tree = parseMimeTree(raw);
const get = (section: string, fields?: string[]): string => sectionBytes(raw, tree, section, fields).toString('utf8');

describe('sectionBytes', () => {
  it('whole message, HEADER, TEXT', () => {
    assert.equal(get(''), f.mixed);
    assert.equal(get('HEADER'), f.mixedHeader + f.CRLF);
    assert.equal(get('text'), f.mixedBody);
  });

  it('part numbers 1, 2, 2.1, 2.2, 3, 3.1, 4 and MIME headers', () => {
    assert.equal(get('1'), f.part1Body);
    assert.equal(get('2'), f.altBody);
    assert.equal(get('2.1'), f.p21Body);
    assert.equal(get('2.2'), f.p22Body);
    assert.equal(get('3'), f.part3Body);
    assert.equal(get('3.1'), f.innerBody);
    assert.equal(get('4'), f.part4Body);
    assert.equal(get('2.2.MIME'), f.p22Header + f.CRLF);
    assert.equal(get('4.MIME'), f.part4Header + f.CRLF);
  });

  it('TEXT and HEADER of the embedded message (part 3)', () => {
    assert.equal(get('3.TEXT'), f.innerBody);
    assert.equal(get('3.HEADER'), f.innerHeader + f.CRLF);
    assert.equal(get('3.HEADER.FIELDS', ['subject']), 'Subject: Original\r\n\r\n');
  });

  it('HEADER.FIELDS keeps order and folding; .NOT is the complement', () => {
    const folded = 'Subject: =?utf-8?q?R=C3=A9sum=C3=A9?= and a\r\n  long folded subject\r\n';
    assert.equal(
      get('HEADER.FIELDS', ['SUBJECT', 'from']),
      'From: Alice Example <alice@example.org>\r\n' + folded + f.CRLF,
    );
    assert.equal(get('HEADER.FIELDS', ['X-None']), f.CRLF);
    const not = get('HEADER.FIELDS.NOT', ['Content-Type', 'subject', 'from', 'to', 'cc', 'date']);
    assert.equal(not, 'MIME-Version: 1.0\r\n\r\n');
  });

  it('single-part message: part 1 is the body; missing parts are empty', () => {
    const sraw = Buffer.from(f.simple);
    const stree = parseMimeTree(sraw);
    assert.equal(sectionBytes(sraw, stree, '1').toString(), f.simpleBody);
    for (const s of ['2', '1.1', '1.TEXT', '1.HEADER', '0', 'BOGUS', '1..2', 'MIME']) {
      assert.equal(sectionBytes(sraw, stree, s).length, 0, s);
    }
    for (const s of ['5', '2.3', '1.TEXT', '4.HEADER', '3.2', 'MIME', '2.0']) {
      assert.equal(sectionBytes(raw, tree, s).length, 0, s);
    }
  });

  it('LF-only message: parts and HEADER.FIELDS still work', () => {
    const lf = Buffer.from(f.mixed.replace(/\r\n/g, '\n'));
    const t = parseMimeTree(lf);
    assert.equal(sectionBytes(lf, t, '2.1').toString(), f.p21Body.replace(/\r\n/g, '\n'));
    assert.equal(sectionBytes(lf, t, 'HEADER.FIELDS', ['mime-version']).toString(), 'MIME-Version: 1.0\n\r\n');
  });

  it('partial ranges', () => {
    const body = sectionBytes(raw, tree, '3.TEXT');
    assert.equal(partial(body, 0, 3).toString(), f.innerBody.slice(0, 3));
    assert.equal(partial(body, 4, 8).toString(), f.innerBody.slice(4, 12));
    assert.equal(partial(body, 10, 10_000).toString(), f.innerBody.slice(10));
    assert.equal(partial(body, body.length, 5).length, 0);
    assert.equal(partial(body, 0, 0).length, 0);
  });

  it('performance: parse a 4 KiB message 10,000 times (reported, not asserted)', () => {
    const pad = f.lines(...Array.from({ length: 46 }, (_, i) => `filler line ${i} `.padEnd(60, 'x')));
    const text = f.mixed.replace('Intro text.', `Intro text.\r\n${pad}`);
    const msg = Buffer.from(text);
    assert.ok(msg.length >= 4096);
    const start = process.hrtime.bigint();
    let parts = 0;
    for (let i = 0; i < 10_000; i++) parts += parseMimeTree(msg).children.length;
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`parseMimeTree: ${msg.length} bytes x 10000 in ${ms.toFixed(0)} ms (${(ms / 10).toFixed(1)} us each)`);
    assert.equal(parts, 40_000);
  });
});
