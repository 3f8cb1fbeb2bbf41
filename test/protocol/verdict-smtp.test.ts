import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { VerdictSettings } from '../../server/api/world-spec.js';
import { prependHeaders } from '../../server/mta/headers.js';
import type { IncomingMessage } from '../../server/mta/stages/types.js';
import { verdictStage } from '../../server/mta/stages/verdict.js';
import { greeted, startServer } from '../helpers/smtp-server-fixture.js';
import { FakeResolver, LAB_DEFAULTS, cleanMessage } from '../unit/verdict-fixture.js';

/**
 * The verdict stage behind a real SMTP listener: the connection facts come from the
 * session (client IP, EHLO name, MAIL FROM), and a refusal becomes the DATA reply.
 */
async function mtaWithVerdict(t: TestContext, dns: FakeResolver, settings: VerdictSettings) {
  const accepted: Array<{ raw: Buffer; hold?: { reason: string } }> = [];
  const fixture = await startServer(
    t,
    {},
    {
      onData: async (session, raw) => {
        const stage = verdictStage({
          node: 'mta.siroe.example',
          tracer: fixture.tracer,
          spamThreshold: 5,
          settings,
          resolver: dns,
        });
        const message: IncomingMessage = {
          queueId: `msg_${accepted.length + 1}`,
          session,
          listener: 'smtp',
          raw,
          receivedAt: Date.now(),
          addHeaders: [],
        };
        await stage.run(message);
        accepted.push({ raw: prependHeaders(raw, message.addHeaders), hold: message.hold });
        return { queueId: message.queueId };
      },
    },
  );
  return { ...fixture, accepted };
}

async function send(port: number, from: string, raw: Buffer) {
  const client = await greeted(port, 'EHLO mx.example.com');
  client.send(`MAIL FROM:<${from}>`);
  await client.expect(250);
  client.send('RCPT TO:<bob@siroe.example>');
  await client.expect(250);
  client.send('DATA');
  await client.expect(354);
  client.write(Buffer.concat([raw, Buffer.from('.\r\n')]));
  const reply = await client.next();
  client.close();
  return reply;
}

const dnsFor = (spfRecord: string) =>
  new FakeResolver({
    'example.com': { TXT: [[spfRecord]] },
    '_dmarc.example.com': { TXT: [['v=DMARC1; p=reject']] },
  });

describe('verdict stage over SMTP', () => {
  test('SPF pass for 127.0.0.1: accepted, Authentication-Results says spf=pass and dmarc=pass', async (t) => {
    const mta = await mtaWithVerdict(t, dnsFor('v=spf1 ip4:127.0.0.1 -all'), {
      ...LAB_DEFAULTS,
      authFailAction: 'reject',
    });
    const reply = await send(mta.port, 'erin@example.com', cleanMessage());
    assert.equal(reply.code, 250, reply.raw);
    const stored = mta.accepted[0]!.raw.toString();
    assert.match(stored, /^X-Mailscope-Verdict: deliver\r\n/);
    assert.match(stored, /Authentication-Results: mta\.siroe\.example;[\s\S]*spf=pass[\s\S]*dmarc=pass/);
    assert.match(stored, /smtp\.helo=mx\.example\.com/);
    const verdict = mta.tracer.ofKind('verdict.given')[0];
    assert.equal(verdict?.data.auth?.summary, 'spf=pass dkim=none dmarc=pass (p=reject)');
  });

  test('SPF fail with DMARC p=reject: 550 5.7.26 at DATA, nothing accepted', async (t) => {
    const mta = await mtaWithVerdict(t, dnsFor('v=spf1 ip4:192.0.2.1 -all'), {
      ...LAB_DEFAULTS,
      authFailAction: 'reject',
    });
    const reply = await send(mta.port, 'erin@example.com', cleanMessage());
    assert.equal(reply.code, 550, reply.raw);
    assert.match(reply.lines[0] ?? '', /^5\.7\.26 Message rejected: DMARC fail for example\.com \(p=reject\)/);
    assert.equal(mta.accepted.length, 0);
    assert.equal(mta.tracer.ofKind('verdict.given')[0]?.data.action, 'reject');
  });

  test('the same failure with authFailAction hold: accepted, and handed on as held', async (t) => {
    const mta = await mtaWithVerdict(t, dnsFor('v=spf1 ip4:192.0.2.1 -all'), {
      ...LAB_DEFAULTS,
      authFailAction: 'hold',
    });
    const reply = await send(mta.port, 'erin@example.com', cleanMessage());
    assert.equal(reply.code, 250, reply.raw);
    assert.deepEqual(mta.accepted[0]?.hold, { reason: 'DMARC fail for example.com (p=reject)' });
  });

  test('a virus with virusAction reject: 554 5.7.1', async (t) => {
    const mta = await mtaWithVerdict(t, dnsFor('v=spf1 ip4:127.0.0.1 -all'), {
      ...LAB_DEFAULTS,
      virusAction: 'reject',
    });
    const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
    const reply = await send(mta.port, 'erin@example.com', cleanMessage({ body: eicar }));
    assert.equal(reply.code, 554, reply.raw);
    assert.match(reply.lines[0] ?? '', /^5\.7\.1 Message rejected: virus found \(EICAR-Test-File\)/);
  });
});
