import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { MessageChannel, Worker } from 'node:worker_threads';
import { SharedState } from '../../server/core/shared-state.js';
import { ThreadChannel, type ThreadHandlers } from '../../server/core/thread-channel.js';

/**
 * Two channels over a real MessageChannel (same thread, same delivery rules as between
 * threads); `b` answers with `handlers`.
 */
function pair(t: TestContext, handlers: ThreadHandlers) {
  const { port1, port2 } = new MessageChannel();
  const a = new ThreadChannel(port1);
  const b = new ThreadChannel(port2, handlers);
  t.after(() => {
    port1.close();
    port2.close();
  });
  return { a, b, port1 };
}

test('calls answer with their handler result, and errors cross with their message and errno code', async (t) => {
  const { a } = pair(t, {
    double: (n) => (n as number) * 2,
    busy: () => {
      throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    },
  });
  assert.equal(await a.call('double', 21), 42);
  await assert.rejects(a.call('busy'), (err: NodeJS.ErrnoException) => {
    assert.equal(err.message, 'listen EADDRINUSE');
    assert.equal(err.code, 'EADDRINUSE');
    return true;
  });
  await assert.rejects(a.call('nobody'), /no handler for nobody/);
});

test('notices sent before a call are handled before it, in order, and travel inside it', async (t) => {
  const seen: string[] = [];
  const { a, port1 } = pair(t, {
    note: (text) => void seen.push(text as string),
    commit: (text) => {
      seen.push(`commit ${text as string}`);
      return seen.length;
    },
  });
  let posted = 0;
  const post = port1.postMessage.bind(port1);
  port1.postMessage = (message: unknown) => {
    posted++;
    post(message);
  };
  a.notify('note', 'session opened');
  a.notify('note', 'RCPT');
  const position = await a.call('commit', 'msg_1');
  assert.equal(position, 3, 'both notices were handled before the call');
  assert.deepEqual(seen, ['session opened', 'RCPT', 'commit msg_1']);
  assert.equal(posted, 1, 'the two notices crossed with the call, in one message');

  a.notify('note', 'QUIT');
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen.at(-1), 'QUIT', 'a notice with no call after it still goes at the end of the turn');

  a.notify('note', 'before a bad call');
  await assert.rejects(a.call('commit', { cannot: () => undefined }), /could not be cloned/);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen.at(-1), 'before a bad call', 'a call that cannot be cloned does not take its notices down');
});

test('notices whose text holds newlines and spaces arrive whole; args that are not JSON drop only their own notice', async (t) => {
  const seen: unknown[] = [];
  const { a } = pair(t, { note: (args) => void seen.push(args), ping: () => 'pong' });
  a.notify('note', { text: 'line one\nline two', list: ['a b', 'c'] });
  a.notify('note');
  a.notify('note', { n: 10n });
  a.notify('note', 'last');
  assert.equal(await a.call('ping'), 'pong');
  assert.deepEqual(seen, [{ text: 'line one\nline two', list: ['a b', 'c'] }, undefined, 'last']);
});

test('a JSON notice handler gets the args as the text they crossed as, in order with the others; a call to it fails', async (t) => {
  const seen: unknown[] = [];
  const { a } = pair(t, {
    note: (args) => void seen.push(args),
    trace: { json: (text) => void seen.push(`text ${text}`) },
    ping: () => 'pong',
  });
  a.notify('note', 'first');
  a.notify('trace', { kind: 'smtp.reply', text: 'line\nbreak' });
  a.notify('note', 'last');
  assert.equal(await a.call('ping'), 'pong');
  assert.deepEqual(seen, ['first', 'text {"kind":"smtp.reply","text":"line\\nbreak"}', 'last']);
  await assert.rejects(a.call('trace', {}), /no handler for trace/);
});

test('closing a channel fails the calls still waiting and every later one', async (t) => {
  const { a } = pair(t, { never: () => new Promise(() => undefined) });
  const waiting = a.call('never');
  a.close(new Error('host thread exited with code 1'));
  await assert.rejects(waiting, /exited with code 1/);
  await assert.rejects(a.call('never'), /exited with code 1/);
});

test('a shared state reads what was last published, parsing only when it changed', () => {
  const published = SharedState.create({ faults: ['a'] });
  const reader = new SharedState<{ faults: string[] }>(published.buffer);
  const first = reader.read();
  assert.deepEqual(first, { faults: ['a'] });
  assert.equal(reader.read(), first, 'unchanged: the same object, no parse');
  published.publish({ faults: ['a', 'b'] });
  assert.deepEqual(reader.read(), { faults: ['a', 'b'] });
});

test('a shared state refuses a value larger than its room and keeps the last one', () => {
  const published = SharedState.create({ text: 'small' }, 64);
  assert.throws(() => published.publish({ text: 'x'.repeat(100) }), /does not fit/);
  assert.deepEqual(new SharedState(published.buffer).read(), { text: 'small' });
});

test('another thread reads a publish at once, with no message in between', async (t) => {
  const published = SharedState.create({ step: 0 });
  const worker = new Worker(new URL('../../server/core/thread-boot.mjs', import.meta.url), {
    workerData: {
      module: new URL('./fixtures/shared-state-reader.ts', import.meta.url).href,
      buffer: published.buffer,
    },
  });
  t.after(() => worker.terminate());
  const messages: string[] = [];
  const next = () => new Promise<string>((resolve) => worker.once('message', resolve));
  messages.push(await next());
  published.publish({ step: 1 });
  messages.push(await next());
  assert.deepEqual(messages, ['ready at step 0', 'saw step 1']);
});
