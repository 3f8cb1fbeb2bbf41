/**
 * Replies are values: routes return one, and only `writeReply` touches the response.
 * That keeps every answer (errors included) carrying the same security headers.
 */
import fs from 'node:fs';
import type http from 'node:http';
import { pipeline } from 'node:stream/promises';

export type Reply =
  | { kind: 'json'; status: number; value: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; status: number; body: Buffer | string; contentType: string; headers?: Record<string, string> }
  | { kind: 'file'; status: number; filePath: string; sizeBytes: number; contentType: string };

/** The API is never framed, never cached and never leaks the token in a Referer. */
const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

export function json(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { kind: 'json', status, value, headers };
}

export function errorReply(status: number, message: string, headers?: Record<string, string>): Reply {
  return json(status, { error: message }, headers);
}

export async function writeReply(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply): Promise<void> {
  if (reply.kind === 'file') {
    res.writeHead(reply.status, {
      ...securityHeaders(),
      'content-type': reply.contentType,
      'content-length': String(reply.sizeBytes),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(fs.createReadStream(reply.filePath), res);
    return;
  }
  const isJson = reply.kind === 'json';
  // JSON.stringify may throw (a cycle in a facade's data): let the caller's 500 path handle it.
  const body = isJson ? Buffer.from(JSON.stringify(reply.value), 'utf8') : Buffer.from(reply.body);
  res.writeHead(reply.status, {
    ...securityHeaders(),
    ...(isJson ? { 'content-security-policy': JSON_CSP } : {}),
    'content-type': isJson ? 'application/json; charset=utf-8' : reply.contentType,
    'content-length': String(body.length),
    ...reply.headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** For an upgrade we refuse: there is no ServerResponse, only the raw socket. */
export function rawErrorResponse(status: number, statusText: string, message: string): string {
  const body = JSON.stringify({ error: message });
  const headers = {
    ...securityHeaders(),
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${statusText}\r\n${lines.join('\r\n')}\r\n\r\n${body}`;
}
