import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { parseSpamdReply, spamdCheck } from '../../server/verdict/spamd-client.js';
import { FakeResolver, cleanMessage, field, judgeWith } from '../unit/verdict-fixture.js';

const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

interface SpamdRequestSeen {
  requestLine: string;
  headers: string[];
  body: Buffer;
}

/**
 * A tiny spamd: reads one SPAMC request (header block + Content-length bytes), answers
 * the way SpamAssassin's spamd does, closes. `reply` may override the answer.
 */
async function fakeSpamd(t: TestContext, reply?: (req: SpamdRequestSeen) => string) {
  const seen: SpamdRequestSeen[] = [];
  const server = net.createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [requestLine = '', ...headers] = buffered.subarray(0, end).toString('latin1').split('\r\n');
      const length = Number(/^Content-length:\s*(\d+)/im.exec(headers.join('\n'))?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      const req = { requestLine, headers, body: buffered.subarray(end + 4, end + 4 + length) };
      seen.push(req);
      socket.end(reply ? reply(req) : standardReply(req));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, seen };
}

function standardReply(req: SpamdRequestSeen): string {
  const gtube = req.body.includes(GTUBE);
  const spam = gtube ? 'True ; 1000.0 / 5.0' : 'False ; 0.3 / 5.0';
  const symbols = gtube ? 'GTUBE,NO_RELAYS' : 'NO_RELAYS';
  if (req.requestLine.startsWith('CHECK')) return `SPAMD/1.1 0 EX_OK\r\nSpam: ${spam}\r\n\r\n`;
  return `SPAMD/1.1 0 EX_OK\r\nContent-length: ${symbols.length}\r\nSpam: ${spam}\r\n\r\n${symbols}`;
}

/** A port with nobody listening: bind one, then let it go. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('spamd client (SPAMC/1.5)', () => {
  test('SYMBOLS sends the message with its length and reads score and rule names', async (t) => {
    const spamd = await fakeSpamd(t);
    const raw = cleanMessage({ body: GTUBE });
    const reply = await spamdCheck({ host: '127.0.0.1', port: spamd.port, raw });
    assert.deepEqual(reply, { isSpam: true, score: 1000, threshold: 5, symbols: ['GTUBE', 'NO_RELAYS'] });
    assert.equal(spamd.seen[0]?.requestLine, 'SYMBOLS SPAMC/1.5');
    assert.deepEqual(spamd.seen[0]?.headers, [`Content-length: ${raw.length}`]);
    assert.deepEqual(spamd.seen[0]?.body, raw);
  });

  test('CHECK reads the verdict without symbols', async (t) => {
    const spamd = await fakeSpamd(t);
    const reply = await spamdCheck({ host: '127.0.0.1', port: spamd.port, raw: cleanMessage(), command: 'CHECK' });
    assert.deepEqual(reply, { isSpam: false, score: 0.3, threshold: 5, symbols: [] });
    assert.equal(spamd.seen[0]?.requestLine, 'CHECK SPAMC/1.5');
  });

  test('the engine uses spamd when configured, adding its own SPF/DKIM/DMARC rules', async (t) => {
    const spamd = await fakeSpamd(t);
    // spamd cannot see the lab's DNS, so SPF is checked by the lab and added to spamd's total.
    const dns = new FakeResolver({ 'example.com': { TXT: [['v=spf1 ip4:192.0.2.1 -all']] } });
    const v = await judgeWith(cleanMessage({ body: GTUBE }), {
      resolver: dns,
      settings: { spamd: { host: '127.0.0.1', port: spamd.port }, spamAction: 'junk', authFailAction: 'deliver' },
      input: { connection: { ip: '127.0.0.1', helo: 'mx.example.com', mailFrom: 'erin@example.com' } },
    });
    assert.equal(v.engine, `SpamAssassin spamd 127.0.0.1:${spamd.port}`);
    assert.equal(v.score, 1002);
    assert.equal(v.spam, 'spam');
    assert.equal(v.action, 'junk');
    assert.deepEqual(v.reasons, ['GTUBE', 'NO_RELAYS', 'SPF_FAIL']);
    assert.equal(v.rules[0]?.description, 'Contains GTUBE, the standard test string every spam filter must call spam');
    assert.match(field(v.headerFields, 'X-Spam-Checker-Version') ?? '', /^SpamAssassin spamd /);
  });

  test('spamd unreachable: the built-in rules judge, and the engine says so', async () => {
    const port = await closedPort();
    const v = await judgeWith(cleanMessage({ body: GTUBE }), { settings: { spamd: { host: '127.0.0.1', port } } });
    assert.match(
      v.engine,
      new RegExp(`^Mailscope built-in rules \\(spamd 127\\.0\\.0\\.1:${port} unreachable: .*ECONNREFUSED`),
    );
    assert.equal(v.spam, 'spam');
    assert.deepEqual(v.reasons, ['GTUBE']);
  });

  test('a spamd that talks nonsense or errors also falls back', async (t) => {
    const nonsense = await fakeSpamd(t, () => 'HTTP/1.1 400 Bad Request\r\n\r\n');
    const v = await judgeWith(cleanMessage(), { settings: { spamd: { host: '127.0.0.1', port: nonsense.port } } });
    assert.match(v.engine, /unreachable: not a spamd answer: HTTP\/1\.1 400/);
    const failing = await fakeSpamd(t, () => 'SPAMD/1.0 76 Bad header line: x\r\n\r\n');
    await assert.rejects(spamdCheck({ host: '127.0.0.1', port: failing.port, raw: cleanMessage() }), /spamd said 76/);
  });

  test('a spamd that never answers times out; one that floods is cut off', async (t) => {
    const silent = await fakeSpamd(t, () => '');
    // The fake ends the socket with nothing: an empty answer is not an answer.
    await assert.rejects(
      spamdCheck({ host: '127.0.0.1', port: silent.port, raw: cleanMessage() }),
      /not a spamd answer/,
    );
    const hang = net.createServer((socket) => socket.on('error', () => {}));
    hang.listen(0, '127.0.0.1');
    await once(hang, 'listening');
    t.after(() => hang.close());
    const port = (hang.address() as net.AddressInfo).port;
    await assert.rejects(spamdCheck({ host: '127.0.0.1', port, raw: cleanMessage(), timeoutMs: 100 }), /in time/);
    const flood = await fakeSpamd(t, () => `SPAMD/1.1 0 EX_OK\r\n${'X'.repeat(100_000)}`);
    await assert.rejects(spamdCheck({ host: '127.0.0.1', port: flood.port, raw: cleanMessage() }), /too large/);
  });

  test('reply parsing reads the Spam: header forms spamd uses', () => {
    assert.deepEqual(parseSpamdReply('SPAMD/1.1 0 EX_OK\r\nSpam: Yes ; -1.5 / 5.0\r\n\r\n'), {
      isSpam: true,
      score: -1.5,
      threshold: 5,
      symbols: [],
    });
    assert.throws(() => parseSpamdReply('SPAMD/1.1 0 EX_OK\r\n\r\n'), /no Spam: header/);
  });
});
