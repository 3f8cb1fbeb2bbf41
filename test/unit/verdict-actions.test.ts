import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { VerdictAction } from '../../server/api/trace.js';
import type { VerdictSettings } from '../../server/api/world-spec.js';
import { WorldClock } from '../../server/core/clock.js';
import { MailError } from '../../server/core/mail-error.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import type { IncomingMessage } from '../../server/mta/stages/types.js';
import { verdictStage } from '../../server/mta/stages/verdict.js';
import type { SmtpSession } from '../../server/mta/smtp/types.js';
import { FakeResolver, LAB_DEFAULTS, RECEIVED_AT, cleanMessage, field, judgeWith } from './verdict-fixture.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const spamMail = () => cleanMessage({ body: GTUBE });
const virusMail = () => cleanMessage({ body: EICAR });
const INBOUND = { ip: '127.0.0.1', helo: 'mx.example.com', mailFrom: 'erin@example.com' };
const spfFailDns = () => new FakeResolver({ 'example.com': { TXT: [['v=spf1 ip4:192.0.2.1 -all']] } });

describe('actions per finding', () => {
  test('spam: tag, junk, hold, reject', async () => {
    const tag = await judgeWith(spamMail(), { settings: { spamAction: 'tag' } });
    assert.equal(tag.action, 'tag');
    assert.equal(field(tag.headerFields, 'X-Mailscope-Verdict'), 'tag');
    assert.equal(field(tag.headerFields, 'X-Spam-Flag'), 'YES');
    assert.match(field(tag.headerFields, 'X-Spam-Status') ?? '', /^Yes, score=1000\.0 required=5\.0 tests=GTUBE$/);

    const junk = await judgeWith(spamMail(), { settings: { spamAction: 'junk' } });
    assert.equal(field(junk.headerFields, 'X-Mailscope-Verdict'), 'junk');

    const hold = await judgeWith(spamMail(), { settings: { spamAction: 'hold' } });
    assert.equal(hold.action, 'hold');
    assert.deepEqual(hold.hold, { reason: 'spam score 1000 >= 5' });

    const reject = await judgeWith(spamMail(), { settings: { spamAction: 'reject' } });
    assert.equal(reject.action, 'reject');
    assert.ok(reject.refusal instanceof MailError);
    assert.equal(reject.refusal.code, 550);
    assert.equal(reject.refusal.enhanced, '5.7.1');
    assert.equal(reject.refusal.publicText, 'Message rejected as spam: spam score 1000 >= 5');
  });

  test('virus: hold (quarantine) or reject', async () => {
    const hold = await judgeWith(virusMail(), { settings: { virusAction: 'hold' } });
    assert.equal(hold.action, 'hold');
    assert.equal(hold.hold?.reason, 'virus found (EICAR-Test-File)');
    const reject = await judgeWith(virusMail(), { settings: { virusAction: 'reject' } });
    assert.equal(reject.refusal?.code, 554);
  });

  test('authentication failure: each authFailAction', async () => {
    const expected: Record<VerdictSettings['authFailAction'], VerdictAction> = {
      deliver: 'deliver',
      tag: 'tag',
      junk: 'junk',
      hold: 'hold',
      reject: 'reject',
    };
    for (const authFailAction of Object.keys(expected) as Array<VerdictSettings['authFailAction']>) {
      const action = expected[authFailAction];
      const v = await judgeWith(cleanMessage(), {
        resolver: spfFailDns(),
        settings: { authFailAction },
        input: { connection: INBOUND },
      });
      assert.equal(v.spam, 'clean', 'SPF_FAIL alone stays under the threshold');
      assert.equal(v.action, action, authFailAction);
      assert.equal(field(v.headerFields, 'X-Mailscope-Verdict'), action);
      assert.equal(v.hold?.reason, action === 'hold' ? 'SPF fail for example.com' : undefined);
    }
  });

  test('the strongest action wins; on a tie the most specific cause names the refusal', async () => {
    const both = cleanMessage({ body: `${GTUBE}\r\n${EICAR}` });
    const spamRejects = await judgeWith(both, { settings: { virusAction: 'hold', spamAction: 'reject' } });
    assert.equal(spamRejects.action, 'reject');
    assert.equal(spamRejects.refusal?.enhanced, '5.7.1');
    assert.equal(spamRejects.refusal?.code, 550);
    const virusRejects = await judgeWith(both, { settings: { virusAction: 'reject', spamAction: 'reject' } });
    assert.equal(virusRejects.refusal?.code, 554);
    const held = await judgeWith(both, { settings: { virusAction: 'hold', spamAction: 'junk' } });
    assert.equal(held.action, 'hold');
    assert.equal(held.hold?.reason, 'virus found (EICAR-Test-File)');
  });
});

function incoming(raw: Buffer, listener: 'smtp' | 'submission' = 'smtp', user?: string): IncomingMessage {
  const session: SmtpSession = {
    id: 'ses_1',
    protocol: listener,
    remoteAddress: '127.0.0.1',
    remotePort: 40000,
    localPort: 2525,
    clientHostname: 'mx.example.com',
    secure: false,
    user,
    transmissionType: 'ESMTP',
    envelope: { mailFrom: { address: 'erin@example.com', params: {} }, rcptTo: [] },
  };
  return { queueId: 'msg_stage', session, listener, raw, receivedAt: RECEIVED_AT, addHeaders: [] };
}

describe('verdictStage', () => {
  const setup = (settings = LAB_DEFAULTS, resolver = spfFailDns()) => {
    const tracer = new MemoryTracer(new WorldClock());
    const stage = verdictStage({ node: 'mta.siroe.example', tracer, spamThreshold: 5, settings, resolver });
    return { tracer, stage };
  };

  test('reads the session (IP, HELO, MAIL FROM), emits verdict.given with every field, adds the fields', async () => {
    const { tracer, stage } = setup({ ...LAB_DEFAULTS, authFailAction: 'tag' });
    const message = incoming(cleanMessage());
    await stage.run(message);
    const [event] = tracer.ofKind('verdict.given');
    assert.equal(event?.traceId, 'msg_stage');
    assert.deepEqual(event?.data, {
      queueId: 'msg_stage',
      spam: 'clean',
      virus: 'clean',
      score: 2,
      reasons: ['SPF_FAIL'],
      rules: [
        {
          name: 'SPF_FAIL',
          score: 2,
          description: "SPF fail: the sender's domain says this client may not send its mail (-all)",
        },
      ],
      auth: { spf: 'fail', dkim: 'none', dmarc: 'none', summary: 'spf=fail dkim=none dmarc=none' },
      action: 'tag',
      engine: 'Mailscope built-in rules',
    });
    assert.equal(message.addHeaders[0], 'X-Mailscope-Verdict: tag');
    assert.match(field(message.addHeaders, 'Authentication-Results') ?? '', /smtp\.helo=mx\.example\.com/);
    assert.equal(message.hold, undefined);
  });

  test('hold sets message.hold; reject throws the MailError after the event', async () => {
    const held = setup({ ...LAB_DEFAULTS, spamAction: 'hold' });
    const message = incoming(spamMail());
    await held.stage.run(message);
    assert.deepEqual(message.hold, { reason: 'spam score 1002 >= 5' });

    const rejecting = setup({ ...LAB_DEFAULTS, authFailAction: 'reject' });
    const refused = incoming(cleanMessage());
    await assert.rejects(Promise.resolve(rejecting.stage.run(refused)), { code: 550, enhanced: '5.7.23' });
    assert.equal(rejecting.tracer.ofKind('verdict.given')[0]?.data.action, 'reject');
    assert.deepEqual(refused.addHeaders, []);
  });

  test('submission: no SPF/DMARC for an authenticated sender', async () => {
    const { tracer, stage } = setup({ ...LAB_DEFAULTS, authFailAction: 'reject' });
    const message = incoming(cleanMessage(), 'submission', 'alice');
    await stage.run(message);
    assert.equal(tracer.ofKind('verdict.given')[0]?.data.action, 'deliver');
    assert.match(field(message.addHeaders, 'Authentication-Results') ?? '', /auth=pass smtp\.auth=alice/);
  });

  test('the old call (no settings, no resolver) keeps the old behaviour: tag spam, refuse viruses', async () => {
    const tracer = new MemoryTracer(new WorldClock());
    const stage = verdictStage({ node: 'mta', tracer, spamThreshold: 5 });
    const spam = incoming(spamMail());
    await stage.run(spam);
    assert.match(field(spam.addHeaders, 'X-Spam-Status') ?? '', /^Yes, /);
    await assert.rejects(Promise.resolve(stage.run(incoming(virusMail()))), { code: 554, enhanced: '5.7.1' });
  });
});
