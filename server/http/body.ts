/**
 * Request bodies: read with a hard size limit so a client cannot make us buffer
 * without bound, then parsed as JSON with a clear 400 on garbage.
 */
import type http from 'node:http';
import { ControlRequestError } from './control-facade.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export async function readJsonBody(req: http.IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readBodyText(req, maxBytes);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ControlRequestError(400, `malformed JSON body: ${(err as Error).message}`);
  }
}

function readBodyText(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let sizeBytes = 0;
    const onData = (chunk: Buffer) => {
      sizeBytes += chunk.length;
      if (sizeBytes <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      // Stop keeping data; Node discards the rest once the 413 has been sent.
      cleanup();
      chunks.length = 0;
      reject(tooLarge(maxBytes));
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function tooLarge(maxBytes: number): ControlRequestError {
  return new ControlRequestError(413, `request body is larger than ${maxBytes} bytes`);
}
