import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadOrCreateToken } from '../../server/http/token.js';
import { assertSecurityHeaders, startLab, tempDir, TOKEN } from '../helpers/http-api-fixture.js';

describe('control token file', () => {
  test('is created with mode 0600, reused, and replaced when malformed', (t) => {
    const dir = path.join(tempDir(t), 'data');
    const token = loadOrCreateToken(dir);
    const file = path.join(dir, 'control-token');
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(loadOrCreateToken(dir), token);
    fs.chmodSync(file, 0o644);
    assert.equal(loadOrCreateToken(dir), token);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'a loosened mode is tightened again');
    fs.writeFileSync(file, 'not-a-token\n');
    const fresh = loadOrCreateToken(dir);
    assert.match(fresh, /^[0-9a-f]{64}$/);
    assert.notEqual(fresh, token);
    assert.equal(fs.readFileSync(file, 'utf8').trim(), fresh);
  });
});

describe('control API security', () => {
  test('the token is required: header or query, constant-time compared', async (t) => {
    const lab = await startLab(t);
    for (const target of ['/api/world', '/api/health', '/', '/api/nope']) {
      const r = await lab.get(target, {});
      assert.equal(r.status, 401, target);
      assertSecurityHeaders(r);
    }
    assert.equal((await lab.get('/api/world', { authorization: `Bearer ${'b'.repeat(64)}` })).status, 401);
    assert.equal((await lab.get('/api/world', { authorization: `Bearer ${TOKEN}x` })).status, 401);
    assert.equal((await lab.get('/api/world', { authorization: `Basic ${TOKEN}` })).status, 401);
    assert.equal((await lab.get('/api/world?token=wrong', {})).status, 401);
    assert.equal((await lab.post('/api/queue/q1/hold', undefined, {})).status, 401);
    assert.equal(lab.world.facade.queue()[0]!.status, 'queued', 'an unauthorised action did nothing');
    assert.equal((await lab.get(`/api/world?token=${TOKEN}`, {})).status, 200);
    assert.equal((await lab.get('/api/world')).status, 200);
  });

  test('foreign Host and Origin headers are refused (DNS rebinding, other pages)', async (t) => {
    const lab = await startLab(t);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const evilHost = await lab.get('/api/world', { ...auth, host: `evil.example:${lab.port}` });
    assert.equal(evilHost.status, 403);
    assertSecurityHeaders(evilHost);
    assert.equal((await lab.get('/api/world', { ...auth, host: `127.0.0.1:${lab.port + 1}` })).status, 403);
    assert.equal((await lab.get('/api/world', { ...auth, host: `localhost:${lab.port}` })).status, 200);
    assert.equal((await lab.get('/api/world', { ...auth, host: `[::1]:${lab.port}` })).status, 200);
    assert.equal((await lab.get('/api/world', { ...auth, origin: 'http://evil.example' })).status, 403);
    assert.equal((await lab.get('/api/world', { ...auth, origin: 'null' })).status, 403);
    assert.equal((await lab.get('/api/world', { ...auth, origin: `https://127.0.0.1:${lab.port}` })).status, 403);
    assert.equal(
      (await lab.post('/api/queue/q1/hold', undefined, { ...auth, origin: 'http://evil.example' })).status,
      403,
    );
    assert.equal(lab.world.facade.queue()[0]!.status, 'queued');
    const own = await lab.get('/api/world', { ...auth, origin: `http://localhost:${lab.port}` });
    assert.equal(own.status, 200);
    assertSecurityHeaders(own);
  });

  test('url() carries the token and works as printed', async (t) => {
    const lab = await startLab(t);
    const url = new URL(lab.server.url());
    assert.equal(url.host, `127.0.0.1:${lab.port}`);
    assert.equal(url.searchParams.get('token'), TOKEN);
    const page = await lab.get(`${url.pathname}${url.search}`, {});
    assert.equal(page.status, 200);
  });
});

describe('static files and status page', () => {
  test('status page lists hosts, ports and the queue size, escaped and self-contained', async (t) => {
    const lab = await startLab(t);
    const page = await lab.get(`/?token=${TOKEN}`, {});
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assertSecurityHeaders(page);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    assert.match(page.text, /mta\.siroe\.example/);
    assert.match(page.text, /127\.0\.0\.1:2525/);
    assert.match(page.text, /ldap.*127\.0\.0\.1:1389/);
    assert.match(page.text, /queue: <strong>2<\/strong>/);
    assert.match(page.text, /&#60;b&#62;MTA/);
    assert.doesNotMatch(page.text, /<b>MTA/);
    assert.doesNotMatch(page.text, /(src|href)=/, 'no external resources');
  });

  test('the built renderer is served safely', async (t) => {
    const dir = tempDir(t);
    const root = path.join(dir, 'dist');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ui</title>');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'robots.txt'), 'no');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
    fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    const lab = await startLab(t, { staticDir: root });
    const index = await lab.get(`/?token=${TOKEN}`, {});
    assert.equal(index.status, 200);
    assert.equal(index.text, '<!doctype html><title>ui</title>');
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal((await lab.get('/', {})).status, 401);
    const app = await lab.get('/assets/app.js', {});
    assert.equal(app.status, 200, 'assets need no token');
    assert.equal(app.headers['content-type'], 'text/javascript; charset=utf-8');
    assertSecurityHeaders(app);
    assert.equal((await lab.get('/robots.txt', {})).status, 401);
    assert.equal((await lab.get(`/robots.txt?token=${TOKEN}`, {})).status, 200);
    for (const escape of [
      '/assets/..%2F..%2Fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/../../secret.txt',
      '/assets/link.txt',
      '/assets/..%5C..%5Csecret.txt',
      '/assets/%00',
    ]) {
      const r = await lab.get(`${escape}${escape.includes('?') ? '&' : '?'}token=${TOKEN}`, {});
      assert.notEqual(r.status, 200, escape);
      assert.doesNotMatch(r.text, /secret/, escape);
    }
    assert.equal((await lab.get('/assets/nope.js', {})).status, 404);
    assert.equal((await lab.send('POST', '/assets/app.js', {})).status, 405);
  });
});
