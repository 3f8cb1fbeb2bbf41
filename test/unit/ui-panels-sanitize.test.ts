/** Mail HTML never reaches the page live: what the inspector's sanitiser keeps and drops. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MAIL_CSP,
  htmlToText,
  neutralizeHtml,
  sandboxDocument,
  scanHtml,
} from '../../renderer/src/panels/inspector/sanitize.js';

/** Every tag name and attribute name the browser would see in the output (our own scanner, re-run). */
function tagsOf(html: string): Array<{ name: string; attributes: string[] }> {
  const tags: Array<{ name: string; attributes: string[] }> = [];
  scanHtml(html, {
    text: () => undefined,
    tag: (t) => tags.push({ name: t.name, attributes: t.attributes.map((a) => a.name) }),
  });
  return tags;
}

describe('HTML sanitiser', () => {
  test('scripts, frames, objects and their content are gone', () => {
    const out = neutralizeHtml(
      '<p>hi</p><script>alert(1)</script><SCRIPT src=x></SCRIPT><iframe src="https://evil"></iframe><object data=x><param></object><svg><script>1</script></svg>ok',
    );
    assert.equal(out, '<p>hi</p>ok');
  });

  test('event handlers go, even when the tokenizer is teased', () => {
    for (const attack of [
      '<img src=x onerror=alert(1)>',
      '<img/onerror=alert(1) src=x>',
      '<img alt="a>b" onerror="alert(1)">',
      '<body onload=alert(1)>',
      "<div style='x' ONMOUSEOVER='alert(1)'>",
      '<a href="javascript:alert(1)">x</a>',
    ]) {
      const out = neutralizeHtml(attack);
      for (const tag of tagsOf(out)) {
        assert.ok(!tag.attributes.some((a) => a.startsWith('on')), `${attack} → ${out}`);
        assert.ok(!tag.attributes.includes('href') && !tag.attributes.includes('src'), `${attack} → ${out}`);
      }
      assert.ok(!/javascript:/i.test(out.replace(/data-blocked-href="[^"]*"/g, '')), out);
    }
  });

  test('remote loads and navigation are neutralised; inline data: images stay', () => {
    const out = neutralizeHtml(
      '<img src="https://tracker.example/p.gif"><img src="data:image/png;base64,AAAA"><a href="https://bank.example">pay</a>' +
        '<meta http-equiv="refresh" content="0;url=https://evil"><base href="https://evil/"><link rel=stylesheet href=https://x>' +
        '<form action="https://evil"><input name=p></form><div style="background:url(https://x)">s</div>',
    );
    assert.equal(
      out,
      '<img data-blocked-src="https://tracker.example/p.gif"><img src="data:image/png;base64,AAAA">' +
        '<a data-blocked-href="https://bank.example">pay</a><div>s</div>',
    );
  });

  test('a stray < is text, comments and doctypes are dropped, odd tag names never echoed', () => {
    assert.equal(neutralizeHtml('1 < 2 <!-- <script>x</script> --> <!doctype html>ok'), '1 &lt; 2  ok');
    assert.equal(neutralizeHtml('<a<img src=x onerror=1>t'), 't');
    assert.equal(neutralizeHtml('<p title="&quot;><script>">x</p>'), '<p title="&quot;&gt;&lt;script&gt;">x</p>');
  });

  test('the framed document starts with a CSP that forbids remote content', () => {
    const doc = sandboxDocument('<p>hello</p>');
    const csp = doc.indexOf('Content-Security-Policy');
    assert.ok(csp > 0 && csp < doc.indexOf('<body>'));
    assert.match(MAIL_CSP, /default-src 'none'/);
    assert.doesNotMatch(MAIL_CSP, /https?:|\*/);
    assert.ok(doc.endsWith('<body><p>hello</p></body></html>'));
  });

  test('HTML to text: blocks become lines, entities decode, hidden parts vanish', () => {
    assert.equal(
      htmlToText(
        '<html><head><title>T</title><style>p{}</style></head><body><p>Dear&nbsp;customer,</p><p>pay &amp; go<br>now</p><ul><li>one</li></ul><script>x</script>&#8364;5 &lt;b&gt;</body></html>',
      ),
      'Dear customer,\npay & go\nnow\n\n• one\n€5 <b>',
    );
  });
});
