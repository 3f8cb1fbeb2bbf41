/** The lab's other views and actions: directory, DNS zones, the mailbox list, and "send a message". */
import { z } from 'zod';
import type { ComposeRequest } from '../../api/world-view.js';
import { ControlRequestError } from '../control-facade.js';
import { json } from '../reply.js';
import type { Route } from '../router.js';

const address = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^\s@<>,;]+@[^\s@<>,;]+$/, 'an address like user@domain');
const composeSchema = z
  .object({
    from: address,
    to: z.array(address).min(1).max(50),
    cc: z.array(address).max(50).optional(),
    subject: z
      .string()
      .max(998)
      .regex(/^[^\r\n]*$/, 'one line')
      .optional(),
    text: z.string().max(1_000_000).optional(),
    html: z.string().max(1_000_000).optional(),
    attachments: z
      .array(
        z
          .object({
            filename: z.string().min(1).max(255),
            contentType: z.string().max(255).optional(),
            contentBase64: z.string().max(700_000),
          })
          .strict(),
      )
      .max(10)
      .optional(),
    via: z.enum(['submission', 'internet']).optional(),
    host: z.string().max(253).optional(),
  })
  .strict();

export const labRoutes: Route[] = [
  { method: 'GET', pattern: '/api/directory', handle: ({ facade }) => json(200, facade.directory()) },
  { method: 'GET', pattern: '/api/dns', handle: ({ facade }) => json(200, facade.dns()) },
  { method: 'GET', pattern: '/api/mailboxes', handle: ({ facade }) => json(200, facade.mailboxes()) },
  {
    method: 'POST',
    pattern: '/api/compose',
    readsBody: true,
    handle: async ({ facade, body }) => json(202, await facade.compose(parseCompose(body))),
  },
];

export function parseCompose(body: unknown): ComposeRequest {
  const parsed = composeSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ControlRequestError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
}
