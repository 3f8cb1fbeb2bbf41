/**
 * The Compose panel's form and its presets: the classroom's standard messages, each
 * one a story the diagram then tells (a local delivery, another store, the LAN server,
 * the Internet through the smarthost, an unknown user's bounce, spam, a virus, a
 * forged sender).
 */
import type { ComposeRequest } from '../../../../server/api/world-view.js';

export interface ComposeAttachment {
  filename: string;
  contentType?: string;
  contentBase64: string;
}

export interface ComposeForm {
  from: string;
  /** 'auto': a site user goes through submission, anyone else from the Internet. */
  via: 'auto' | 'submission' | 'internet';
  /** For 'internet': the host it leaves from ('' = the MX of the sender's domain). */
  host: string;
  /** Addresses separated by commas, semicolons or spaces. */
  to: string;
  cc: string;
  subject: string;
  text: string;
  html: string;
  attachments: readonly ComposeAttachment[];
}

export interface ComposePreset {
  id: string;
  label: string;
  /** What the class should watch for. */
  story: string;
  form: ComposeForm;
}

/** The GTUBE line: every spam filter must call a message that carries it spam. */
export const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

/**
 * The EICAR anti-virus test file, base64: harmless, but every scanner reports it. Kept
 * encoded so that no scanner on a developer's machine quarantines this source file.
 */
export const EICAR_BASE64 =
  'WDVPIVAlQEFQWzRcUFpYNTQoUF4pN0NDKTd9JEVJQ0FSLVNUQU5EQVJELUFOVElWSVJVUy1URVNULUZJTEUhJEgrSCo=';

export const EMPTY_FORM: ComposeForm = {
  from: 'alice@siroe.example',
  via: 'auto',
  host: '',
  to: '',
  cc: '',
  subject: '',
  text: '',
  html: '',
  attachments: [],
};

function preset(id: string, label: string, story: string, form: Partial<ComposeForm>): ComposePreset {
  return { id, label, story, form: { ...EMPTY_FORM, ...form } };
}

export const PRESETS: readonly ComposePreset[] = [
  preset('local', 'alice → bob', 'a local user: submission, verdict, queue, LMTP to store B', {
    to: 'bob@siroe.example',
    subject: 'Lunch today?',
    text: 'Hi Bob,\n\nlunch at noon?\n\nAlice',
  }),
  preset('other-store', 'alice → carol', 'another store: alice lives on store A, carol on store B', {
    to: 'carol@siroe.example',
    subject: 'Across the stores',
    text: 'Hi Carol,\n\nthis one crosses from store A to store B.\n\nAlice',
  }),
  preset('lan', 'alice → dave (LAN)', 'the LAN messaging server for eng.siroe.example, by SMTP', {
    to: 'dave@eng.siroe.example',
    subject: 'To engineering',
    text: 'Hi Dave,\n\nthis goes to the other messaging server on the LAN.\n\nAlice',
  }),
  preset('internet', 'alice → erin (Internet)', 'out through the smarthost, DNS MX of example.com, to mx1', {
    to: 'erin@example.com',
    subject: 'Hello from siroe',
    text: 'Hi Erin,\n\nthis leaves the site through the smarthost.\n\nAlice',
  }),
  preset('unknown', 'alice → ghost (unknown)', 'an unknown user: the directory finds nobody', {
    to: 'ghost@siroe.example',
    subject: 'Anyone there?',
    text: 'Hello?',
  }),
  preset('gtube', 'GTUBE spam', 'spam from the Internet: the verdict scores the GTUBE test string', {
    from: 'erin@example.com',
    to: 'bob@siroe.example',
    subject: 'You have won!!!',
    text: `Claim your prize now.\n\n${GTUBE}\n`,
  }),
  preset('eicar', 'EICAR virus', 'a virus from the Internet: the EICAR test file as an attachment', {
    from: 'frank@example.net',
    to: 'bob@siroe.example',
    subject: 'Invoice attached',
    text: 'Please see the attached invoice.',
    attachments: [{ filename: 'invoice.com', contentType: 'application/octet-stream', contentBase64: EICAR_BASE64 }],
  }),
  preset(
    'forged-bank',
    'forged bank',
    'a forged sender: security@bank.example sent from mx.example.org fails SPF and DMARC',
    {
      from: 'security@bank.example',
      via: 'internet',
      host: 'mx.example.org',
      to: 'bob@siroe.example',
      subject: 'Urgent: verify your account',
      text: 'Dear customer,\n\nyour account is locked. Verify your password here today.\n\nYour Bank',
    },
  ),
];

/** Splits an address list typed by a person. */
export function splitAddresses(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** The request POST /api/compose takes; empty optional fields are left out. */
export function toComposeRequest(form: ComposeForm): ComposeRequest {
  const request: ComposeRequest = { from: form.from.trim(), to: splitAddresses(form.to) };
  const cc = splitAddresses(form.cc);
  if (cc.length > 0) request.cc = cc;
  if (form.subject) request.subject = form.subject;
  if (form.text) request.text = form.text;
  if (form.html) request.html = form.html;
  if (form.attachments.length > 0) request.attachments = form.attachments.map((a) => ({ ...a }));
  if (form.via !== 'auto') request.via = form.via;
  if (form.via !== 'submission' && form.host) request.host = form.host;
  return request;
}

/** Reads a picked file as base64 (FileReader gives a data: URL; the part after the comma). */
export function fileToAttachment(file: File): Promise<ComposeAttachment> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error(`cannot read ${file.name}`));
    reader.onload = () => {
      const url = String(reader.result);
      resolve({
        filename: file.name,
        contentType: file.type || 'application/octet-stream',
        contentBase64: url.slice(url.indexOf(',') + 1),
      });
    };
    reader.readAsDataURL(file);
  });
}
