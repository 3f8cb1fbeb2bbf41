import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { ComposeRequest, ComposeResult } from '../api/world-view.js';
import { connectAddress } from '../core/net-address.js';
import { ControlRequestError } from '../http/control-facade.js';
import { domainOf } from '../mta/address.js';
import type { World } from './world.js';

/**
 * "Send" in the UI, done the way a real sender does it. A site user's message goes
 * to the site's submission server over SMTP with AUTH (exactly what Thunderbird
 * does); a remote sender's message is written at an Internet host and leaves it by
 * MX, so it arrives at the site's MX like real mail from outside.
 */
export async function compose(world: World, request: ComposeRequest): Promise<ComposeResult> {
  const siteUser = world.spec.users.find((u) => u.mail.toLowerCase() === request.from.toLowerCase());
  const via = request.via ?? (siteUser ? 'submission' : 'internet');
  if (via === 'submission') {
    if (!siteUser) throw new ControlRequestError(422, `${request.from} is not a site user: send it "via": "internet"`);
    return submit(world, request, siteUser.uid, siteUser.password ?? siteUser.uid);
  }
  return fromInternet(world, request);
}

function message(request: ComposeRequest) {
  return {
    from: request.from,
    to: request.to,
    cc: request.cc,
    subject: request.subject ?? '',
    text: request.text,
    html: request.html,
    attachments: request.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: Buffer.from(a.contentBase64, 'base64'),
    })),
  };
}

async function submit(world: World, request: ComposeRequest, user: string, pass: string): Promise<ComposeResult> {
  const host = world.spec.hosts.find((h) => h.role === 'mta')!.name;
  const transport = nodemailer.createTransport({
    host: connectAddress(world.spec.settings.bindAddress),
    port: world.port(host, 'submission'),
    secure: false,
    auth: { user, pass },
    name: 'compose.mailscope.invalid',
    tls: { rejectUnauthorized: false },
  });
  try {
    const info = await transport.sendMail(message(request));
    const queueId = /queued as (\S+)/.exec(info.response)?.[1] ?? '';
    return { queueId, host, response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    throw new ControlRequestError(422, `the submission server refused it: ${e.response ?? e.message}`);
  } finally {
    transport.close();
  }
}

async function fromInternet(world: World, request: ComposeRequest): Promise<ComposeResult> {
  const domain = domainOf(request.from);
  const peers = [...world.peers.mtas.values()];
  const peer = request.host
    ? world.peers.mtas.get(request.host.toLowerCase())
    : (peers.find((p) => p.localDomains.has(domain)) ?? peers.find((p) => p.role === 'internet-mta'));
  if (!peer) {
    throw new ControlRequestError(422, `no Internet host to send from${request.host ? `: ${request.host}` : ''}`);
  }
  const raw = await new MailComposer(message(request)).compile().build();
  const recipients = [...request.to, ...(request.cc ?? [])];
  const queueId = await peer.submit({ sender: request.from, recipients, raw });
  return { queueId, host: peer.name };
}
