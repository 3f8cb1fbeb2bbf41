/** Fault switches: turn a failure on (a host down, a forced reply, a DNS error), list them, turn one off. */
import { z } from 'zod';
import type { FaultSpec } from '../../core/faults.js';
import { ControlRequestError } from '../control-facade.js';
import { errorReply, json } from '../reply.js';
import type { Route } from '../router.js';
import { clip } from './params.js';

const target = z.string().trim().min(1).max(253);
const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('down'), target }).strict(),
  z.object({ kind: z.literal('slow'), target, delayMs: z.number().int().min(1).max(120_000) }).strict(),
  z
    .object({
      kind: z.literal('reply'),
      target,
      command: z.enum(['CONNECT', 'EHLO', 'HELO', 'MAIL', 'RCPT', 'DATA', 'DOT', 'STARTTLS']),
      code: z.number().int().min(400).max(599),
      enhanced: z
        .string()
        .regex(/^[45]\.\d{1,3}\.\d{1,3}$/, 'an enhanced status code like 4.3.0')
        .optional(),
      text: z
        .string()
        .max(200)
        .regex(/^[^\r\n]*$/, 'one line')
        .optional(),
    })
    .strict(),
  z.object({ kind: z.literal('dns'), target, rcode: z.enum(['NXDOMAIN', 'SERVFAIL']) }).strict(),
  z
    .object({
      kind: z.literal('user'),
      target,
      status: z.enum(['inactive', 'disabled', 'removed', 'hold', 'overquota']),
    })
    .strict(),
]);

export const faultRoutes: Route[] = [
  { method: 'GET', pattern: '/api/faults', handle: ({ facade }) => json(200, facade.faults()) },
  {
    method: 'POST',
    pattern: '/api/faults',
    readsBody: true,
    handle: async ({ facade, body }) => json(201, await facade.addFault(parseFault(body))),
  },
  {
    method: 'DELETE',
    pattern: '/api/faults/:id',
    handle: async ({ facade, params }) =>
      (await facade.removeFault(params.id!))
        ? json(200, { id: params.id, cleared: true })
        : errorReply(404, `no fault ${clip(params.id!)}`),
  },
];

export function parseFault(body: unknown): FaultSpec {
  const parsed = faultSchema.safeParse(body);
  if (parsed.success) {
    // A reply fault's code must agree with its enhanced code's class (4xx with 4.x.x).
    const fault = parsed.data;
    if (fault.kind === 'reply' && fault.enhanced && fault.enhanced[0] !== String(fault.code)[0]) {
      throw new ControlRequestError(400, `enhanced ${fault.enhanced} does not match reply code ${fault.code}`);
    }
    return fault;
  }
  const issue = parsed.error.issues[0]!;
  const where = issue.path.join('.') || 'body';
  throw new ControlRequestError(
    400,
    `${where}: ${issue.message}. A fault is {"kind":"down"|"slow"|"reply"|"dns"|"user","target":"<host, domain or address>", ...}`,
  );
}
