/**
 * Throughput of the SMTP protocol layer alone (not a test):
 *   npx tsx bench/smtp-layer.ts [messages=5000] [concurrency=20] [sizeBytes=4096]
 * One SmtpServer with trivial hooks, SmtpClient senders, a NEW connection per message
 * (connect, EHLO, pipelined MAIL/RCPT/DATA, body, QUIT), server and clients in this
 * one process. Trace events are emitted as in the lab (to a tracer with no sink).
 */
import { WorldClock } from '../server/core/clock.js';
import { WorldTracer } from '../server/core/tracer.js';
import { SmtpClient } from '../server/mta/smtp/client.js';
import { SmtpServer } from '../server/mta/smtp/server.js';

const [messages = 5000, concurrency = 20, sizeBytes = 4096] = process.argv.slice(2).map(Number);

function makeMessage(size: number): Buffer {
  const header = 'From: a@siroe.example\r\nTo: b@siroe.example\r\nSubject: bench\r\n\r\n';
  const line = `${'x'.repeat(74)}\r\n`;
  return Buffer.from(header + line.repeat(Math.max(0, Math.ceil((size - header.length) / line.length))));
}

async function main(): Promise<void> {
  const tracer = new WorldTracer(new WorldClock());
  let stored = 0;
  let queueIds = 0;
  const server = new SmtpServer({
    mode: 'smtp',
    protocol: 'smtp',
    hostname: 'mta.siroe.example',
    node: 'mta',
    tracer,
    greetingDelayMs: 0,
    maxMessageSizeBytes: 10 * 1024 * 1024,
    maxRecipients: 100,
    hooks: {
      onRcptTo: async () => {},
      onData: async (_session, message) => {
        stored += message.length;
        return { queueId: `Q${++queueIds}` };
      },
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  const body = makeMessage(sizeBytes);
  let next = 0;
  let failures = 0;

  const worker = async (): Promise<void> => {
    while (next < messages) {
      next++;
      try {
        const client = await SmtpClient.connect({ host: '127.0.0.1', port, clientHostname: 'bench.example' });
        const r = await client.send({ from: 'a@siroe.example', to: [{ address: 'b@siroe.example' }] }, body);
        if (!r.recipients[0]?.accepted) failures++;
        await client.quit();
      } catch {
        failures++;
      }
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - started;
  await server.close();
  const perSecond = Math.round((messages / elapsedMs) * 1000);
  console.log(
    `smtp-layer: ${messages} messages of ${body.length} bytes, ${concurrency} concurrent, new connection each: ` +
      `${elapsedMs.toFixed(0)} ms, ${perSecond} messages/s, ${failures} failures, ${stored} bytes stored, ` +
      `${tracer.lastSeq()} trace events`,
  );
}

await main();
