import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { BOB, makeTlsPems, nextEvent, PopClient, startPop3, type TlsPems } from '../helpers/pop3-fixture.js';
import { MESSAGES, SIMPLE, MULTIPART, DOTS, NO_FINAL_CRLF, seeded, has, run, crlf } from '../helpers/pop3-messages.js';

let pems: TlsPems;
before(async () => {
  pems = await makeTlsPems();
});

describe('Pop3Server: the maildrop', () => {
  test('STAT, LIST and UIDL match the store; UIDs are stable across sessions', async (t) => {
    const store = await seeded(t);
    const { port } = await startPop3(t, store);
    const stored = store.listMessages(BOB, 'INBOX');
    const { uidValidity } = store.folderInfo(BOB, 'INBOX');
    const total = MESSAGES.reduce((sum, m) => sum + m.length, 0);
    const uidls: string[][] = [];
    for (let session = 0; session < 2; session++) {
      const pop = await PopClient.loggedIn(port);
      pop.send('STAT', 'LIST', 'LIST 3', 'UIDL', 'UIDL 2', 'LIST 9', 'LIST 0');
      assert.equal(await pop.line(), `+OK ${MESSAGES.length} ${total}`);
      assert.deepEqual(
        await pop.lines(),
        MESSAGES.map((m, i) => `${i + 1} ${m.length}`),
      );
      assert.equal(await pop.line(), `+OK 3 ${DOTS.length}`);
      const uidl = await pop.lines();
      assert.deepEqual(
        uidl,
        stored.map((m, i) => `${i + 1} ${uidValidity}.${m.uid}`),
      );
      assert.equal(await pop.line(), `+OK 2 ${uidValidity}.${stored[1]!.uid}`);
      await pop.err(/No such message/);
      await pop.err(/No such message/);
      uidls.push(uidl);
      pop.send('QUIT');
      await pop.ok(/0 messages deleted, 4 left/);
    }
    assert.deepEqual(uidls[0], uidls[1]);
  });

  test('RETR returns the stored bytes (dot lines un-stuffed, CRLF added when missing) and sets \\Seen', async (t) => {
    const store = await seeded(t);
    const { port } = await startPop3(t, store);
    const pop = await PopClient.loggedIn(port);
    for (let i = 0; i < MESSAGES.length; i++) {
      pop.send(`RETR ${i + 1}`);
      const { status, body } = await pop.multiline();
      assert.equal(status, `+OK ${MESSAGES[i]!.length} octets`);
      const expected = i === 3 ? Buffer.concat([NO_FINAL_CRLF, Buffer.from('\r\n')]) : MESSAGES[i]!;
      assert.ok(body.equals(expected), `message ${i + 1}: ${JSON.stringify(body.toString())}`);
    }
    // \Seen is written in one go when the session ends.
    pop.send('QUIT');
    await pop.ok();
    assert.ok(store.listMessages(BOB, 'INBOX').every((m) => m.flags.includes('\\Seen')));
  });

  test('the DOTS message is byte-stuffed on the wire', async (t) => {
    const { port } = await startPop3(t, await seeded(t));
    const pop = await PopClient.loggedIn(port);
    t.after(() => pop.close());
    pop.send('RETR 3', 'NOOP');
    await pop.ok();
    const wire: string[] = [];
    for (let line = await pop.line(); line !== '+OK'; line = await pop.line()) wire.push(line);
    assert.deepEqual(wire, ['Subject: Dots', '', '..hidden line', '...two dots', '..', 'end', '.']);
  });

  test('TOP 0 and TOP 2 give the header, the blank line and n body lines; TOP leaves \\Seen alone', async (t) => {
    const store = await seeded(t);
    const { port } = await startPop3(t, store);
    const pop = await PopClient.loggedIn(port);
    t.after(() => pop.close());
    const headerOf = (raw: Buffer) => raw.subarray(0, raw.indexOf('\r\n\r\n') + 4);
    pop.send('TOP 1 0', 'TOP 1 2', 'TOP 2 2', 'TOP 1 999', 'TOP 1 -1');
    assert.ok((await pop.multiline()).body.equals(headerOf(SIMPLE)));
    assert.equal((await pop.multiline()).body.toString(), `${headerOf(SIMPLE)}Hello Bob,\r\nline two\r\n`);
    assert.equal(
      (await pop.multiline()).body.toString(),
      `${headerOf(MULTIPART)}This is a multi-part message.\r\n--b1\r\n`,
    );
    assert.ok((await pop.multiline()).body.equals(SIMPLE));
    await pop.err(/Invalid line count/);
    assert.ok(store.listMessages(BOB, 'INBOX').every((m) => !m.flags.includes('\\Seen')));
  });

  test('DELE then QUIT removes the messages from the store', async (t) => {
    const store = await seeded(t);
    const { port } = await startPop3(t, store);
    const before = store.listMessages(BOB, 'INBOX');
    const pop = await PopClient.loggedIn(port);
    pop.send('DELE 1', 'DELE 3', 'DELE 3', 'RETR 1', 'LIST 3', 'STAT', 'LIST');
    await pop.ok(/Message 1 deleted/);
    await pop.ok(/Message 3 deleted/);
    await pop.err(/already deleted/);
    await pop.err(/already deleted/);
    await pop.err(/already deleted/);
    assert.equal(await pop.line(), `+OK 2 ${MULTIPART.length + NO_FINAL_CRLF.length}`);
    assert.deepEqual(await pop.lines(), [`2 ${MULTIPART.length}`, `4 ${NO_FINAL_CRLF.length}`]);
    assert.equal(store.listMessages(BOB, 'INBOX').length, 4, 'nothing removed before QUIT');
    pop.send('QUIT');
    await pop.ok(/\(2 messages deleted, 2 left\)/);
    await pop.closed;
    assert.deepEqual(
      store.listMessages(BOB, 'INBOX').map((m) => m.uid),
      [before[1]!.uid, before[3]!.uid],
    );
  });

  test('DELE then a dropped connection keeps every message; so does RSET', async (t) => {
    const store = await seeded(t);
    const { port, tracer } = await startPop3(t, store);
    const dropped = await PopClient.loggedIn(port);
    dropped.send('RETR 1', 'DELE 1', 'DELE 2');
    await dropped.multiline();
    await dropped.ok();
    await dropped.ok();
    dropped.close();
    await nextEvent(tracer, 'session.closed');
    const kept = store.listMessages(BOB, 'INBOX');
    assert.equal(kept.length, 4);
    assert.deepEqual(
      kept.map((m) => m.flags.includes('\\Seen')),
      [true, false, false, false],
      'what was read counts as read even without QUIT',
    );

    const pop = await PopClient.loggedIn(port);
    pop.send('DELE 2', 'RSET', 'STAT', 'QUIT');
    await pop.ok();
    await pop.ok(/Maildrop has 4 messages/);
    await pop.ok(/^\+OK 4 /);
    await pop.ok(/0 messages deleted/);
    assert.equal(store.listMessages(BOB, 'INBOX').length, 4);
  });

  test('mail delivered during a session is seen only by the next session', async (t) => {
    const store = await seeded(t);
    const { port } = await startPop3(t, store);
    const pop = await PopClient.loggedIn(port);
    await store.deliver({ address: BOB, raw: crlf('Subject: Late', '', 'late', '') });
    pop.send('STAT', 'LIST 5', 'QUIT');
    await pop.ok(/^\+OK 4 /);
    await pop.err(/No such message/);
    await pop.ok();
    const next = await PopClient.loggedIn(port);
    t.after(() => next.close());
    next.send('STAT', 'TOP 5 0');
    await next.ok(/^\+OK 5 /);
    assert.equal((await next.multiline()).body.toString(), 'Subject: Late\r\n\r\n');
  });

  test('a message expunged by another client meanwhile gives -ERR, not a crash', async (t) => {
    const store = await seeded(t);
    const { port } = await startPop3(t, store);
    const pop = await PopClient.loggedIn(port);
    t.after(() => pop.close());
    const uid = store.listMessages(BOB, 'INBOX')[0]!.uid;
    store.setFlags(BOB, 'INBOX', [uid], ['\\Deleted'], 'add');
    store.expunge(BOB, 'INBOX', [uid]);
    pop.send('RETR 1', 'RETR 2');
    await pop.err(/removed by another session/);
    assert.equal((await pop.multiline()).body.toString(), MULTIPART.toString());
  });

  test('pipelined commands are answered in order', async (t) => {
    const { port } = await startPop3(t, await seeded(t));
    const pop = await PopClient.greeted(port);
    pop.write('USER bob\r\nPASS bob\r\nSTAT\r\nUIDL 1\r\nRETR 4\r\nDELE 4\r\nNOOP\r\nQUIT\r\n');
    await pop.ok();
    await pop.ok(/Logged in, 4 messages/);
    await pop.ok(/^\+OK 4 /);
    await pop.ok(/^\+OK 1 \d+\.\d+$/);
    assert.equal((await pop.multiline()).body.toString(), `${NO_FINAL_CRLF}\r\n`);
    await pop.ok(/Message 4 deleted/);
    await pop.ok(/^\+OK$/);
    await pop.ok(/1 messages deleted/);
    await pop.closed;
  });

  test('closing the server ends sessions without applying DELE marks', async (t) => {
    const store = await seeded(t);
    const { server, port, tracer } = await startPop3(t, store);
    const pop = await PopClient.loggedIn(port);
    pop.send('DELE 1');
    await pop.ok();
    await server.close();
    await pop.closed;
    assert.equal((await nextEvent(tracer, 'session.closed')).data.reason, 'shutdown');
    assert.equal(store.listMessages(BOB, 'INBOX').length, 4);
  });
});

describe('Pop3Server with standard clients', () => {
  test("Python's poplib: CAPA, USER/PASS, STAT, LIST, UIDL, RETR, TOP, DELE, QUIT", async (t) => {
    if (!(await has('python3'))) return t.skip('python3 is not installed');
    const store = await seeded(t);
    const { port } = await startPop3(t, store);
    const script = [
      'import poplib, json, base64',
      `p = poplib.POP3("127.0.0.1", ${port}, timeout=10)`,
      'out = {"welcome": p.getwelcome().decode(), "capa": sorted(p.capa().keys())}',
      'p.user("bob"); p.pass_("bob")',
      'out["stat"] = list(p.stat())',
      'out["list"] = [l.decode() for l in p.list()[1]]',
      'out["uidl"] = [l.decode() for l in p.uidl()[1]]',
      'out["retr"] = [base64.b64encode(b"\\r\\n".join(p.retr(i)[1]) + b"\\r\\n").decode() for i in range(1, 5)]',
      'out["top"] = [l.decode() for l in p.top(1, 1)[1]]',
      'p.dele(2)',
      'out["quit"] = p.quit().decode()',
      'print(json.dumps(out))',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    const out = JSON.parse(stdout) as Record<string, unknown> & { retr: string[]; capa: string[] };
    assert.equal(out.welcome, '+OK mailboxa.siroe.example POP3 Mailscope ready');
    assert.ok(out.capa.includes('UIDL') && out.capa.includes('TOP') && out.capa.includes('USER'));
    assert.deepEqual(out.stat, [4, MESSAGES.reduce((s, m) => s + m.length, 0)]);
    assert.deepEqual(
      out.list,
      MESSAGES.map((m, i) => `${i + 1} ${m.length}`),
    );
    assert.equal((out.uidl as string[]).length, 4);
    out.retr.forEach((b, i) => {
      const expected = i === 3 ? `${NO_FINAL_CRLF}\r\n` : MESSAGES[i]!.toString();
      assert.equal(Buffer.from(b, 'base64').toString(), expected);
    });
    assert.deepEqual((out.top as string[]).slice(-2), ['', 'Hello Bob,']);
    assert.match(out.quit as string, /1 messages deleted, 3 left/);
    assert.equal(store.listMessages(BOB, 'INBOX').length, 3);
  });

  test("Python's poplib over STLS when plaintext is refused in the clear", async (t) => {
    if (!(await has('python3'))) return t.skip('python3 is not installed');
    const { port } = await startPop3(t, await seeded(t), { tls: pems, allowInsecureAuth: () => false });
    const script = [
      'import poplib, ssl',
      'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
      `p = poplib.POP3("127.0.0.1", ${port}, timeout=10)`,
      'try:\n  p.user("bob")\nexcept poplib.error_proto as e:\n  print("refused", e)',
      'p.stls(context=ctx); p.user("bob"); p.pass_("bob")',
      'print("stat", p.stat()); p.quit()',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    assert.match(stdout, /refused b'-ERR \[AUTH\] Plaintext/);
    assert.match(stdout, /stat \(4, \d+\)/);
  });

  test('curl: AUTH PLAIN with a continuation, LIST and RETR', async (t) => {
    if (!(await has('curl'))) return t.skip('curl is not installed');
    const { port, tracer } = await startPop3(t, await seeded(t));
    const base = `pop3://127.0.0.1:${port}`;
    const listing = await run('curl', ['-s', '--max-time', '10', '-u', 'bob:bob', `${base}/`]);
    assert.equal(listing.stdout, MESSAGES.map((m, i) => `${i + 1} ${m.length}\r\n`).join(''));
    const retr = await run('curl', ['-s', '--max-time', '10', '-u', 'bob:bob', `${base}/3`]);
    assert.equal(retr.stdout, DOTS.toString());
    assert.ok(tracer.ofKind('auth.succeeded').every((e) => e.data.mechanism === 'PLAIN'));
  });
});
