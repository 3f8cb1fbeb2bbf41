import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SmtpTalk } from '../helpers/smtp-talk.js';
import { startTestWorld, type TestWorld } from '../helpers/test-world.js';

/**
 * The site MTA's listeners run on a thread of their own. What the main thread owns —
 * the fault switches, the world clock, the queue — must still rule them at once:
 * a switch turned on (or a clock stepped) before a command is seen by that command.
 */

const MTA = 'mta.siroe.example';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

/** One message from erin@example.com to alice, on a connection of its own; resolves with the reply to its end. */
async function sendOne(port: number, message: string): Promise<string> {
  const talk = await SmtpTalk.open(port);
  try {
    await talk.reply();
    await talk.send('EHLO client.example.com');
    await talk.send('MAIL FROM:<erin@example.com>');
    await talk.send('RCPT TO:<alice@siroe.example>');
    await talk.send('DATA');
    return await talk.send(`${message}.`);
  } finally {
    talk.close();
  }
}

describe('MTA listener thread', () => {
  let lab: TestWorld;
  let inboundPort: number;

  before(async () => {
    lab = await startTestWorld({ clock: { kind: 'stepped' } });
    inboundPort = lab.world.portOf('mta', 'smtp');
  });
  after(() => lab.close());

  test('a reply fault switched on mid-session answers the very next command, and is gone once cleared', async () => {
    const talk = await SmtpTalk.open(inboundPort);
    try {
      assert.match(await talk.reply(), /^220 /);
      await talk.send('EHLO client.example.com');
      assert.match(await talk.send('MAIL FROM:<erin@example.com>'), /^250 /);
      const fault = lab.world.faults.add({ kind: 'reply', target: MTA, command: 'RCPT', code: 451 });
      assert.match(await talk.send('RCPT TO:<alice@siroe.example>'), /^451 4\.0\.0 /);
      const applied = await lab.waitFor('fault.applied', (e) => e.data.faultId === fault.id);
      assert.equal(applied.node, MTA, 'the thread reports the fault it applied, on the main trace');
      lab.world.faults.remove(fault.id);
      assert.match(await talk.send('RCPT TO:<alice@siroe.example>'), /^250 /);
    } finally {
      talk.close();
    }
  });

  test('the MTA going down closes the threaded listeners, and they come back on the same port', async () => {
    const fault = lab.world.faults.add({ kind: 'down', target: MTA });
    await lab.world.settledFaults();
    assert.equal(await refused(inboundPort), true, 'connection refused while down');
    lab.world.faults.remove(fault.id);
    await lab.world.settledFaults();
    const talk = await SmtpTalk.open(inboundPort);
    try {
      assert.match(await talk.reply(), /^220 /);
    } finally {
      talk.close();
    }
  });

  test('world time stepped on the main thread is the time the thread stamps a message with', async () => {
    lab.world.clock.advance(3 * 24 * 3600_000);
    const expected = lab.world.clock.now();
    const reply = await sendOne(inboundPort, 'Subject: later\r\n\r\nthree days on\r\n');
    const queueId = /queued as (msg_\w+)/.exec(reply)?.[1] ?? assert.fail(`no queue id in ${reply}`);
    assert.equal(lab.world.queue.get(queueId)?.receivedAt, expected, 'the stepped clock stood still at the new time');
  });

  test("a refusal from the main thread's queue reaches the client as its SMTP reply", async () => {
    // A queue file that may not grow: a 512 KiB message does not fit in its free pages,
    // so the commit on the main thread fails with 452 (a full disk).
    lab.world.queue.setSizeLimit(1);
    const body = `${'x'.repeat(78)}\r\n`.repeat(6_600);
    try {
      assert.match(await sendOne(inboundPort, `Subject: full\r\n\r\n${body}`), /^452 4\.3\.1 /);
    } finally {
      lab.world.queue.setSizeLimit(undefined);
    }
  });
});
