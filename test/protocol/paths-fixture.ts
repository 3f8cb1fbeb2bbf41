// Shared pieces of the storyline tests (paths-*.test.ts): every path a message can take
// through the default world, told by real clients and checked against the trace.
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { TraceEvent, TraceKind } from '../../server/api/trace.js';
import type { TestWorld } from '../helpers/test-world.js';

export const SITE_MTA = 'mta.siroe.example';
export const SMARTHOST = 'smarthost.siroe.example';
export const LAN = 'eng.siroe.example';
export const MX1 = 'mx1.example.com';
export const MX2 = 'mx2.example.com';

/** "250 2.0.0 Ok: queued as msg_x" (or a channel's "host said: …" text) → msg_x. */
export function queuedAs(text: string): string {
  const id = /queued as (msg_\w+)/.exec(text)?.[1];
  assert.ok(id, `no queue id in "${text}"`);
  return id;
}

/** A site user's mail client: nodemailer to the submission port with AUTH (password = user name). */
export function submitAs(lab: TestWorld, user: string) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: lab.world.portOf('mta', 'submission'),
    secure: false,
    auth: { user, pass: user },
    name: 'client.siroe.example',
    tls: { rejectUnauthorized: false },
  });
}

/** Send one text message as a site user; resolves to the site MTA's queue id. */
export async function submit(
  lab: TestWorld,
  user: string,
  mail: SMTPTransport.MailOptions & { from: string; subject: string },
): Promise<string> {
  const transport = submitAs(lab, user);
  try {
    const info = await transport.sendMail({ text: 'Hello from the storyline tests.', ...mail });
    return queuedAs(info.response);
  } finally {
    transport.close();
  }
}

/**
 * Each host has a queue (and a traceId) of its own: the next hop's id is in the reply
 * the sending host got. Waits for the hand-over of `queueId` to `host` and returns that id.
 */
export async function handedTo(lab: TestWorld, queueId: string, host: string): Promise<string> {
  const done = await lab.waitFor('delivery.succeeded', (e) => e.data.queueId === queueId && e.data.host === host);
  return queuedAs(done.data.text);
}

/** Resolves when a host has finished with a message (every recipient delivered or failed). */
export function dequeued(lab: TestWorld, queueId: string) {
  return lab.waitFor('message.dequeued', (e) => e.data.queueId === queueId);
}

/** Events of one message's traceId at one host. */
export function at(lab: TestWorld, traceId: string, node: string): TraceEvent[] {
  return lab.events(traceId).filter((e) => e.node === node);
}

/** The one event of a kind in a list (fails when there is none). */
export function one<K extends TraceKind>(
  events: TraceEvent[],
  kind: K,
  match: (e: TraceEvent<K>) => boolean = () => true,
): TraceEvent<K> {
  const found = events.find((e): e is TraceEvent<K> => e.kind === kind && match(e as TraceEvent<K>));
  assert.ok(found, `no ${kind} among: ${events.map((e) => e.kind).join(' → ')}`);
  return found;
}

/** The header block of a raw message, unfolded, as "Name: value" lines. */
export function headerLines(raw: string): string[] {
  const end = raw.indexOf('\r\n\r\n');
  return raw
    .slice(0, end < 0 ? raw.length : end)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n');
}
