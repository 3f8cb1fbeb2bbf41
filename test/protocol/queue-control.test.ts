import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import { queueCommand } from '../../server/cli/qm.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';

/** The postmaster's view: queue actions through the control API, as the UI and `qm` use them. */
describe('queue management through the control API', () => {
  let lab: TestWorld;
  let api: (method: string, path: string, body?: unknown) => Promise<{ status: number; json: unknown }>;
  let sendToErin: (subject: string) => Promise<string>;

  before(async () => {
    lab = await startTestWorld({ clock: { kind: 'stepped' } });
    const base = new URL(lab.world.controlUrl);
    api = async (method, path, body) => {
      const response = await fetch(new URL(path, base.origin), {
        method,
        headers: { authorization: `Bearer ${lab.world.controlToken}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    };
    // The smarthost is down: mail for the Internet waits in the site MTA's queue.
    const fault = await api('POST', '/api/faults', { kind: 'down', target: 'smarthost.siroe.example' });
    assert.equal(fault.status, 201);
    assert.match((fault.json as { id: string }).id, /^flt_/);
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: lab.world.portOf('mta', 'submission'),
      auth: { user: 'alice', pass: 'alice' },
      tls: { rejectUnauthorized: false },
    });
    sendToErin = async (subject) => {
      const info = await transport.sendMail({
        from: 'alice@siroe.example',
        to: 'erin@example.com',
        subject,
        text: 'x',
      });
      const queueId = /queued as (msg_\w+)/.exec(info.response)![1]!;
      await lab.waitFor('delivery.deferred', (e) => e.data.queueId === queueId);
      return queueId;
    };
  });
  after(() => lab.close());

  test('hold, release, then return to the sender with a bounce', async () => {
    const id = await sendToErin('Held back');
    const listed = (await api('GET', '/api/queue')).json as Array<{
      queueId: string;
      recipients: Array<{ attempts: number }>;
    }>;
    assert.equal(listed.find((m) => m.queueId === id)?.recipients[0]?.attempts, 1);

    // While it waits, the message itself can be read (served as inert bytes).
    const base = new URL(lab.world.controlUrl);
    const raw = await fetch(new URL(`/api/queue/${id}/raw`, base.origin), {
      headers: { authorization: `Bearer ${lab.world.controlToken}` },
    });
    assert.equal(raw.status, 200);
    assert.equal(raw.headers.get('content-type'), 'message/rfc822');
    assert.equal(raw.headers.get('content-security-policy'), 'sandbox');
    assert.match(await raw.text(), /^Subject: Held back\r$/m);
    assert.equal((await api('GET', '/api/queue/msg_nosuchmessage/raw')).status, 404);

    const held = await api('POST', `/api/queue/${id}/hold`);
    assert.equal((held.json as { status: string }).status, 'held');
    await lab.waitFor('message.held', (e) => e.data.queueId === id);
    assert.equal((await api('POST', `/api/queue/${id}/hold`)).status, 409, 'holding twice is refused');

    const released = await api('POST', `/api/queue/${id}/release`);
    assert.equal((released.json as { status: string }).status, 'queued');

    const returned = await api('POST', `/api/queue/${id}/return`);
    assert.equal((returned.json as { status: string }).status, 'done');
    const dsn = await lab.waitFor('dsn.generated', (e) => e.data.queueId === id);
    const stored = await lab.waitFor('mailbox.stored', (e) => e.traceId === dsn.data.dsnQueueId);
    assert.equal(stored.data.address, 'alice@siroe.example');
    const { history } = (await api('GET', `/api/queue/${id}`)).json as { history: Array<{ action: string }> };
    assert.deepEqual(
      history.map((h) => h.action),
      ['E', 'Q', 'H', 'U', 'R', 'B'],
    );
  });

  test('delete: the message leaves the queue, its recipients failed as deleted, no bounce', async () => {
    const id = await sendToErin('Deleted');
    const deleted = (await api('POST', `/api/queue/${id}/delete`)).json as {
      status: string;
      recipients: Array<{ status: string; lastText: string }>;
    };
    assert.equal(deleted.status, 'done');
    assert.deepEqual(
      deleted.recipients.map((r) => [r.status, r.lastText]),
      [['failed', 'deleted by operator']],
    );
    const dequeued = await lab.waitFor('message.dequeued', (e) => e.data.queueId === id);
    assert.equal(dequeued.data.outcome, 'deleted');
    assert.equal(lab.events().filter((e) => e.kind === 'dsn.generated' && e.data.queueId === id).length, 0);
    assert.equal((await api('POST', `/api/queue/${id}/retry`)).status, 409);
    assert.equal((await api('POST', `/api/queue/msg_nosuchthing/hold`)).status, 404);
  });

  test('the stepped clock moves only when told, and a retry happens then', async () => {
    const id = await sendToErin('Stepping');
    const clock = await api('POST', '/api/clock', { advanceMs: 60 * 60_000 });
    assert.equal((clock.json as { mode: string }).mode, 'stepped');
    await lab.waitFor('clock.changed');
    const second = await lab.waitFor('delivery.deferred', (e) => e.data.queueId === id && e.data.attempt === 2);
    assert.equal(second.data.nextAttemptAt, lab.world.clock.now() + 120 * 60_000);
    assert.equal((await api('POST', '/api/clock', { mode: 'fast' })).status, 400);
  });

  test('qm lists and acts on the running lab', async () => {
    writeFileSync(join(lab.dataDir, 'control.json'), JSON.stringify({ url: lab.world.controlUrl }));
    const id = await sendToErin('Via qm');
    const lines: string[] = [];
    assert.equal(await queueCommand(['--data-dir', lab.dataDir, 'list'], (l) => lines.push(l)), 0);
    assert.ok(lines.some((l) => l.startsWith(id) && l.includes('queued')));
    assert.ok(lines.some((l) => /pending\s+<erin@example\.com> attempts 1 next /.test(l)));
    lines.length = 0;
    await queueCommand(['--data-dir', lab.dataDir, 'hold', id], (l) => lines.push(l));
    assert.match(lines[0]!, new RegExp(`^${id}\\s+held`));
  });
});
