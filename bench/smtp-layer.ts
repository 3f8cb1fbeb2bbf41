/**
 * Throughput of the SMTP protocol layer alone (not a test):
 *   npx tsx bench/smtp-layer.ts [messages=5000] [concurrency=20] [sizeBytes=4096] [--split]
 * One SmtpServer with trivial hooks, SmtpClient senders, a NEW connection per message
 * (connect, EHLO, pipelined MAIL/RCPT/DATA, body, QUIT). By default server and clients
 * share one thread; with --split the clients run in a child process and the server's
 * own event-loop utilisation gives its cost per message. Trace events are emitted as
 * in the lab (to a tracer with no sink).
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WorldClock } from '../server/core/clock.js';
import { WorldTracer } from '../server/core/tracer.js';
import { SmtpClient } from '../server/mta/smtp/client.js';
import { SmtpServer } from '../server/mta/smtp/server.js';

interface Plan {
  port: number;
  messages: number;
  concurrency: number;
  sizeBytes: number;
}

function makeMessage(size: number): Buffer {
  const header = 'From: a@siroe.example\r\nTo: b@siroe.example\r\nSubject: bench\r\n\r\n';
  const line = `${'x'.repeat(74)}\r\n`;
  return Buffer.from(header + line.repeat(Math.max(0, Math.ceil((size - header.length) / line.length))));
}

/** Sends `messages` messages over `concurrency` workers, each on a fresh connection. */
async function sendAll(plan: Plan): Promise<{ failures: number; bodyBytes: number }> {
  const body = makeMessage(plan.sizeBytes);
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.messages) {
      next++;
      try {
        const client = await SmtpClient.connect({
          host: '127.0.0.1',
          port: plan.port,
          clientHostname: 'bench.example',
        });
        const r = await client.send({ from: 'a@siroe.example', to: [{ address: 'b@siroe.example' }] }, body);
        if (!r.recipients[0]?.accepted) failures++;
        await client.quit();
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return { failures, bodyBytes: body.length };
}

function startServer(tracer: WorldTracer, counters: { stored: number }): SmtpServer {
  let queueIds = 0;
  return new SmtpServer({
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
        counters.stored += message.length;
        return { queueId: `Q${++queueIds}` };
      },
    },
  });
}

/** The clients in a child process, so the server has a core of its own. */
function runClientsInChild(plan: Plan): Promise<{ failures: number; bodyBytes: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['--clients', JSON.stringify(plan)], {
    execArgv: ['--import', 'tsx'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (result) => resolve(result as { failures: number; bodyBytes: number }));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`client process exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const split = args.includes('--split');
  const [messages = 5000, concurrency = 20, sizeBytes = 4096] = args.filter((a) => !a.startsWith('--')).map(Number);
  const tracer = new WorldTracer(new WorldClock());
  const counters = { stored: 0 };
  const server = startServer(tracer, counters);
  const port = await server.listen(0, '127.0.0.1');
  const plan: Plan = { port, messages, concurrency, sizeBytes };

  const elu0 = performance.eventLoopUtilization();
  const started = performance.now();
  const { failures, bodyBytes } = split ? await runClientsInChild(plan) : await sendAll(plan);
  const elapsedMs = performance.now() - started;
  const elu = performance.eventLoopUtilization(elu0);
  await server.close();

  const perSecond = Math.round((messages / elapsedMs) * 1000);
  console.log(
    `smtp-layer${split ? ' (clients in a child process)' : ''}: ${messages} messages of ${bodyBytes} bytes, ` +
      `${concurrency} concurrent, new connection each: ${elapsedMs.toFixed(0)} ms, ${perSecond} messages/s, ` +
      `${failures} failures, ${counters.stored} bytes stored, ${tracer.lastSeq()} trace events`,
  );
  if (split) {
    const serverMsPerMessage = (elu.active / messages).toFixed(3);
    console.log(
      `server thread busy ${(elu.utilization * 100).toFixed(0)}%: ${serverMsPerMessage} ms of server time per message`,
    );
  }
}

const clientsAt = process.argv.indexOf('--clients');
if (clientsAt < 0) await main();
else {
  const result = await sendAll(JSON.parse(process.argv[clientsAt + 1]!) as Plan);
  process.send!(result, () => process.exit(0));
}
