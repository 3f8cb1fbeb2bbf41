import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';

const run = promisify(execFile);

async function has(tool: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${tool}`]);
    return true;
  } catch {
    return false;
  }
}

/** Standard clients against the lab: what instructors and students will really use. */
describe('standard SMTP clients', () => {
  let lab: TestWorld;
  before(async () => {
    lab = await startTestWorld();
  });
  after(() => lab.close());

  const inbox = async (address: string) =>
    (await lab.world.storeFor(address)!.listMessages(address, 'INBOX')).map((m) => m.subject);

  test('swaks: STARTTLS + AUTH PLAIN on submission delivers; inbound refuses relaying', async (t) => {
    if (!(await has('swaks'))) return t.skip('swaks is not installed (apt-get install swaks)');
    const submission = lab.world.portOf('mta', 'submission');
    const { stdout } = await run('swaks', [
      '--server',
      `127.0.0.1:${submission}`,
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'alice',
      '--auth-password',
      'alice',
      '--from',
      'alice@siroe.example',
      '--to',
      'carol@siroe.example',
      '--header',
      'Subject: via swaks',
      '--body',
      'hi',
    ]);
    const queueId = /queued as (msg_\w+)/.exec(stdout)?.[1];
    assert.ok(queueId, stdout);
    await lab.waitFor('mailbox.stored', (e) => e.traceId === queueId);
    assert.ok((await inbox('carol@siroe.example')).includes('via swaks'));

    const inbound = lab.world.portOf('mta', 'smtp');
    const refused = await run('swaks', [
      '--server',
      `127.0.0.1:${inbound}`,
      '--from',
      'erin@example.com',
      '--to',
      'frank@example.net',
    ]).then(
      () => '',
      (err: { stdout: string }) => err.stdout,
    );
    assert.match(refused, /<\*\* 554 5\.7\.1 .*Relay access denied/);
  });

  test("Python's smtplib: STARTTLS, LOGIN, sendmail", async (t) => {
    if (!(await has('python3'))) return t.skip('python3 is not installed');
    const port = lab.world.portOf('mta', 'submission');
    const script = [
      'import smtplib, ssl, sys',
      'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
      `s = smtplib.SMTP("127.0.0.1", ${port}, timeout=10)`,
      's.starttls(context=ctx); s.login("bob", "bob")',
      'refused = s.sendmail("bob@siroe.example", ["alice@siroe.example"], "Subject: via smtplib\\r\\n\\r\\nhello\\r\\n")',
      'code, text = s.noop(); s.quit(); print(refused, code)',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    assert.match(stdout, /\{\} 250/);
    await lab.waitFor(
      'mailbox.stored',
      (e) => e.data.address === 'alice@siroe.example' && e.node === 'mailboxa.siroe.example',
    );
    assert.ok((await inbox('alice@siroe.example')).includes('via smtplib'));
  });
});

describe('the greeting pause (a world setting for teaching early-talker detection)', () => {
  test('off by default: the greeting comes at once; on: a client that talks first is refused', async (t) => {
    const quick = await startTestWorld();
    t.after(() => quick.close());
    const talk = await SmtpTalk.open(quick.world.portOf('mta', 'smtp'));
    t.after(() => talk.close());
    assert.match(await talk.reply(), /^220 /);

    const strict = await startTestWorld({
      change: (spec) => ({ ...spec, settings: { ...spec.settings, greetingDelayMs: 300 } }),
    });
    t.after(() => strict.close());
    const early = await SmtpTalk.open(strict.world.portOf('mta', 'smtp'));
    t.after(() => early.close());
    early.write('EHLO impatient.example\r\n');
    assert.match(await early.reply(), /^554 5\.5\.0 /);
    await early.closed;
  });
});

describe('POP3 on the store hosts (the back end the MMP will proxy to)', () => {
  test("Python's poplib reads, deletes and quits; only the user's own store answers", async (t) => {
    if (!(await has('python3'))) return t.skip('python3 is not installed');
    const lab = await startTestWorld();
    t.after(() => lab.close());
    const talk = await SmtpTalk.open(lab.world.portOf('mta', 'smtp'));
    t.after(() => talk.close());
    await talk.reply();
    await talk.send('EHLO mx.example.com');
    await talk.send('MAIL FROM:<erin@example.com>');
    await talk.send('RCPT TO:<alice@siroe.example>');
    await talk.send('DATA');
    // SMTP dot-stuffing: the client doubles a leading dot, the server takes one away.
    talk.write('Subject: for POP3\r\n\r\n..leading dot line\r\nbody\r\n.\r\n');
    const queueId = /queued as (msg_\w+)/.exec(await talk.reply())![1]!;
    await lab.waitFor('mailbox.stored', (e) => e.traceId === queueId);

    const port = lab.world.port('mailboxa.siroe.example', 'pop3');
    const script = [
      'import poplib',
      `p = poplib.POP3("127.0.0.1", ${port}, timeout=10)`,
      'p.user("alice"); p.pass_("alice")',
      'count, size = p.stat()',
      'resp, lines, octets = p.retr(1)',
      'print(count, b"Subject: for POP3" in lines, b".leading dot line" in lines)',
      'p.dele(1); print(p.quit().decode())',
      'q = poplib.POP3("127.0.0.1", ' + port + ', timeout=10)',
      'q.user("bob")',
      'try:\n    q.pass_("bob"); print("bob let in")\nexcept poplib.error_proto as e:\n    print("bob refused", e)',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    const [first, quit, bob] = stdout.trim().split('\n');
    assert.equal(first, '1 True True');
    assert.match(quit!, /^\+OK/);
    assert.match(bob!, /^bob refused .*\[AUTH\]/, 'bob lives on mailboxb, not here');
    assert.deepEqual(
      lab.world.stores.get('mailboxa.siroe.example')!.store.listMessages('alice@siroe.example', 'INBOX'),
      [],
    );
  });
});

describe('POP3 through the Mail Multiplexor Proxy', () => {
  test("poplib logs in at the MMP, which finds bob's store in the directory and relays", async (t) => {
    if (!(await has('python3'))) return t.skip('python3 is not installed');
    const lab = await startTestWorld();
    t.after(() => lab.close());
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: lab.world.portOf('mta', 'smtp'), secure: false, ignoreTLS: true })
      .sendMail({ from: 'erin@example.com', to: 'bob@siroe.example', subject: 'via the MMP', text: 'hi bob' });
    const queueId = /queued as (msg_\w+)/.exec(info.response)![1]!;
    await lab.waitFor('mailbox.stored', (e) => e.traceId === queueId);

    const port = lab.world.portOf('mmp', 'pop3');
    const script = [
      'import poplib',
      `p = poplib.POP3("127.0.0.1", ${port}, timeout=10)`,
      'print(p.getwelcome().decode())',
      'p.user("bob"); p.pass_("bob")',
      'resp, lines, octets = p.retr(1)',
      'print(p.stat()[0], b"Subject: via the MMP" in lines)',
      'p.quit()',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    const [welcome, result] = stdout.trim().split('\n');
    assert.match(welcome!, /^\+OK .*Mailscope MMP/);
    assert.equal(result, '1 True');
    const authenticated = await lab.waitFor('mmp.authenticated');
    assert.equal(authenticated.data.mailHost, 'mailboxb.siroe.example');
    const proxied = await lab.waitFor('mmp.proxied');
    assert.equal(proxied.to, 'mailboxb.siroe.example');
    assert.ok(
      lab.events().some((e) => e.kind === 'directory.bound' && e.from === 'mmp.siroe.example' && e.data.ok),
      'the MMP checked the password with an LDAP bind',
    );
  });
});

describe('IMAP on the store hosts (the back end the MMP will proxy to)', () => {
  test("Python's imaplib: a delivered message is there, with its envelope and text", async (t) => {
    if (!(await has('python3'))) return t.skip('python3 is not installed');
    const lab = await startTestWorld();
    t.after(() => lab.close());
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: lab.world.portOf('mta', 'smtp'), secure: false, ignoreTLS: true })
      .sendMail({ from: 'erin@example.com', to: 'carol@siroe.example', subject: 'via IMAP', text: 'hi carol' });
    const queueId = /queued as (msg_\w+)/.exec(info.response)![1]!;
    await lab.waitFor('mailbox.stored', (e) => e.traceId === queueId);

    const port = lab.world.port('mailboxb.siroe.example', 'imap');
    const script = [
      'import imaplib',
      `m = imaplib.IMAP4("127.0.0.1", ${port})`,
      'm.login("carol", "carol")',
      'typ, data = m.select("INBOX")',
      'print(typ, data[0].decode())',
      'typ, data = m.uid("FETCH", "1:*", "(ENVELOPE BODY.PEEK[TEXT])")',
      'print(b"via IMAP" in data[0][0], b"hi carol" in data[0][1])',
      'm.logout()',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    const [selected, fetched] = stdout.trim().split('\n');
    assert.equal(selected, 'OK 1');
    assert.equal(fetched, 'True True');
  });
});

describe('IMAP through the Mail Multiplexor Proxy', () => {
  test("imaplib logs in at the MMP and reads carol's mail from mailboxb", async (t) => {
    if (!(await has('python3'))) return t.skip('python3 is not installed');
    const lab = await startTestWorld();
    t.after(() => lab.close());
    const info = await nodemailer
      .createTransport({ host: '127.0.0.1', port: lab.world.portOf('mta', 'smtp'), secure: false, ignoreTLS: true })
      .sendMail({ from: 'erin@example.com', to: 'carol@siroe.example', subject: 'IMAP via MMP', text: 'hello' });
    const queueId = /queued as (msg_\w+)/.exec(info.response)![1]!;
    await lab.waitFor('mailbox.stored', (e) => e.traceId === queueId);

    const port = lab.world.portOf('mmp', 'imap');
    const script = [
      'import imaplib',
      `m = imaplib.IMAP4("127.0.0.1", ${port})`,
      'm.login("carol", "carol")',
      'typ, data = m.select("INBOX")',
      'typ, data2 = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")',
      'print(typ, data[0].decode(), b"IMAP via MMP" in data2[0][1])',
      'm.logout()',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    assert.equal(stdout.trim(), 'OK 1 True');
    const proxied = await lab.waitFor('mmp.proxied', (e) => e.data.protocol === 'imap');
    assert.equal(proxied.to, 'mailboxb.siroe.example');
  });
});
