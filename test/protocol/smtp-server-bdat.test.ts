import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { greeted, Raw, sessionClosed, startServer } from '../helpers/smtp-server-fixture.js';

/**
 * BDAT (RFC 3030 CHUNKING) on the LMTP listener, byte by byte from a raw socket: the
 * chunk is exactly the announced octets, refused chunks are still read (so the next
 * command is found), and BDAT LAST ends the message like the final dot of DATA.
 */

async function lmtpServer(t: TestContext, maxMessageSizeBytes = 10_000) {
  const received: Array<{ message: Buffer; to: string[] }> = [];
  const server = await startServer(
    t,
    { mode: 'lmtp', protocol: 'lmtp', maxMessageSizeBytes },
    {
      onData: async (session, message) => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        received.push({ message, to });
        return { recipients: to.map((address) => ({ code: 250, enhanced: '2.1.5', text: `<${address}> stored` })) };
      },
    },
  );
  return { ...server, received };
}

async function lmtpSession(t: TestContext, port: number): Promise<Raw> {
  const raw = await greeted(port, 'LHLO mta.siroe.example');
  t.after(() => raw.close());
  return raw;
}

/** MAIL and one accepted RCPT, pipelined. */
async function openTransaction(raw: Raw): Promise<void> {
  raw.send('MAIL FROM:<a@example.com>', 'RCPT TO:<alice@siroe.example>');
  await raw.expect(250);
  await raw.expect(250);
}

describe('SmtpServer: BDAT on LMTP', () => {
  test('LHLO offers CHUNKING; SMTP neither offers nor knows BDAT', async (t) => {
    const { port } = await lmtpServer(t);
    const raw = await Raw.connect(port);
    t.after(() => raw.close());
    await raw.expect(220);
    raw.send('LHLO mta.siroe.example');
    assert.ok((await raw.expect(250)).lines.includes('CHUNKING'));

    const smtp = await startServer(t);
    const client = await Raw.connect(smtp.port);
    t.after(() => client.close());
    await client.expect(220);
    client.send('EHLO client.example');
    assert.ok(!(await client.expect(250)).lines.includes('CHUNKING'));
    client.send('BDAT 0 LAST');
    await client.expect(500, '5.5.1');
  });

  test('one write: MAIL, RCPTs and BDAT LAST with the message; one reply per accepted recipient', async (t) => {
    const { port, received } = await lmtpServer(t);
    const raw = await lmtpSession(t, port);
    const body = 'Subject: chunked\r\n\r\n.a leading dot is content, not stuffing\r\n.\r\nend\r\n';
    raw.write(
      `MAIL FROM:<a@example.com>\r\nRCPT TO:<alice@siroe.example>\r\nRCPT TO:<x@example.org>\r\n` +
        `RCPT TO:<bob@siroe.example>\r\nBDAT ${Buffer.byteLength(body)} LAST\r\n${body}`,
    );
    await raw.expect(250, '2.1.0');
    await raw.expect(250, '2.1.5');
    await raw.expect(550, '5.1.1');
    await raw.expect(250, '2.1.5');
    assert.match((await raw.expect(250, '2.1.5')).raw, /<alice@siroe\.example> stored/);
    assert.match((await raw.expect(250, '2.1.5')).raw, /<bob@siroe\.example> stored/);
    assert.equal(received[0]?.message.toString(), body, 'the octets as sent: no unstuffing, no end marker');
    assert.deepEqual(received[0]?.to, ['alice@siroe.example', 'bob@siroe.example']);

    raw.send('NOOP');
    await raw.expect(250);
  });

  test('a message in several chunks, split across TCP writes, and BDAT 0 LAST to end it', async (t) => {
    const { port, received } = await lmtpServer(t);
    const raw = await lmtpSession(t, port);
    await openTransaction(raw);
    raw.write('BDAT 14\r\nSubject: ');
    raw.write('x\r\n\r\n');
    await raw.expect(250, '2.0.0');
    raw.write('BDAT 6\r\nhello\n');
    assert.match((await raw.expect(250, '2.0.0')).raw, /6 octets received/);
    raw.send('BDAT 0 LAST');
    await raw.expect(250, '2.1.5');
    assert.equal(received[0]?.message.toString(), 'Subject: x\r\n\r\nhello\n');
  });

  test('refused chunks are read and dropped: the next command is still found', async (t) => {
    const { port, received } = await lmtpServer(t);
    const raw = await lmtpSession(t, port);
    raw.write('BDAT 9 LAST\r\nRSET\r\nXYZ');
    await raw.expect(503, '5.5.1');
    raw.send('MAIL FROM:<a@example.com>', 'RCPT TO:<x@example.org>');
    await raw.expect(250);
    await raw.expect(550);
    raw.write('BDAT 6 LAST\r\nQUIT\r\n');
    assert.match((await raw.expect(554, '5.5.1')).raw, /no valid recipients/);
    raw.send('RSET');
    await raw.expect(250);
    assert.equal(received.length, 0);
  });

  test('too large: 552 at the chunk that passes the limit, for every chunk after it, and per recipient at LAST', async (t) => {
    const { port, received } = await lmtpServer(t, 100);
    const raw = await lmtpSession(t, port);
    raw.send('MAIL FROM:<a@example.com>', 'RCPT TO:<alice@siroe.example>', 'RCPT TO:<bob@siroe.example>');
    for (const code of [250, 250, 250]) await raw.expect(code);
    // Pipelined, as a client may send them before it sees the first answer.
    raw.write(`BDAT 80\r\n${'a'.repeat(80)}BDAT 80\r\n${'b'.repeat(80)}BDAT 5\r\n${'c'.repeat(5)}BDAT 3 LAST\r\nend`);
    await raw.expect(250, '2.0.0');
    await raw.expect(552, '5.3.4');
    await raw.expect(552, '5.3.4');
    await raw.expect(552, '5.3.4');
    await raw.expect(552, '5.3.4');
    raw.send('NOOP');
    await raw.expect(250);
    raw.send('RCPT TO:<alice@siroe.example>');
    await raw.expect(503, '5.5.1');
    assert.equal(received.length, 0);
  });

  test('DATA after BDAT in one transaction is 503; a count that cannot be read ends the session', async (t) => {
    const { port, tracer } = await lmtpServer(t);
    const raw = await lmtpSession(t, port);
    await openTransaction(raw);
    raw.write('BDAT 3\r\nabc');
    await raw.expect(250);
    raw.send('DATA');
    await raw.expect(503, '5.5.1');
    raw.send('BDAT lots');
    await raw.expect(501, '5.5.4');
    await raw.closed;
    assert.equal((await sessionClosed(tracer)).data.reason, 'error');
  });

  test('a pipelined transaction cut anywhere between writes reads the same', async (t) => {
    const { port, received } = await lmtpServer(t);
    const raw = await lmtpSession(t, port);
    const body = 'Subject: cut\r\n\r\nBDAT 3 LAST\r\n.\r\n';
    const wire = Buffer.from(
      `MAIL FROM:<a@example.com>\r\nRCPT TO:<alice@siroe.example>\r\nBDAT ${body.length} LAST\r\n${body}NOOP\r\n`,
    );
    for (let cut = 1; cut < wire.length; cut += 7) {
      raw.write(wire.subarray(0, cut));
      // Let the first part arrive on its own before the rest.
      await new Promise((resolve) => setImmediate(resolve));
      raw.write(wire.subarray(cut));
      for (const code of [250, 250, 250, 250]) await raw.expect(code);
    }
    assert.ok(received.length > 5);
    assert.ok(
      received.every((r) => r.message.toString() === body),
      'every copy has the body exactly',
    );
  });
});
