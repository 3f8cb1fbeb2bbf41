import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorldClock } from '../../server/core/clock.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { MessageStore } from '../../server/store/message-store.js';

/** Shared set-up for the store tests: a real SQLite file in a temp dir, a stepped clock, a memory tracer. */
export const HOST = 'mailboxa.siroe.example';
export const ALICE = 'alice@siroe.example';
export const START_AT = Date.UTC(2025, 0, 6, 9, 0, 0);

export interface TempStore {
  dir: string;
  file: string;
  clock: WorldClock;
  tracer: MemoryTracer;
  store: MessageStore;
  /** Close the current store (without any special flush) and open the same file again. */
  reopen(): MessageStore;
  cleanup(): void;
}

export function openTempStore(): TempStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailscope-'));
  const file = path.join(dir, 'store.sqlite');
  const clock = new WorldClock({ kind: 'stepped' }, undefined, START_AT);
  const tracer = new MemoryTracer(clock);
  const temp: TempStore = {
    dir,
    file,
    clock,
    tracer,
    store: MessageStore.open({ file, host: HOST, clock, tracer }),
    reopen() {
      temp.store.close();
      temp.store = MessageStore.open({ file, host: HOST, clock, tracer });
      return temp.store;
    },
    cleanup() {
      temp.store.close();
      clock.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return temp;
}

export interface MessageOptions {
  subject?: string;
  from?: string;
  to?: string;
  messageId?: string;
  date?: string;
  bodyBytes?: number;
}

/** A small RFC 5322 message with CRLF line ends. */
export function makeMessage(opts: MessageOptions = {}): Buffer {
  const lines = [
    `From: ${opts.from ?? 'Bob <bob@siroe.example>'}`,
    `To: ${opts.to ?? `Alice <${ALICE}>`}`,
    `Subject: ${opts.subject ?? 'Hello'}`,
    `Date: ${opts.date ?? 'Mon, 06 Jan 2025 10:00:00 +0100'}`,
    `Message-ID: ${opts.messageId ?? `<${Math.random().toString(36).slice(2)}@siroe.example>`}`,
    '',
    'x'.repeat(opts.bodyBytes ?? 40),
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}
