import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test, type TestContext } from 'node:test';
import { RestartingHostThread } from '../../server/core/restarting-thread.js';

/** Sends one line to the echo listener; resolves with its answer ("<thread id> <line>"). */
function echo(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(line));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/**
 * The echo fixture under a RestartingHostThread, started; `restarts` resolves when a
 * dead thread runs again, `logged` holds what it wrote to stderr. Stopped after the test.
 */
async function echoThread(t: TestContext) {
  let restarted: () => void = () => undefined;
  const restarts = new Promise<void>((resolve) => (restarted = resolve));
  const thread = new RestartingHostThread({
    name: 'echo',
    module: new URL('./fixtures/echo-listener-thread.ts', import.meta.url),
    init: {},
    handlers: {},
    onRestarted: () => restarted(),
  });
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args.join(' '));
  t.after(() => {
    console.error = original;
    return thread.stop();
  });
  await thread.start();
  // Its answer may be lost with the thread: the death itself is what is awaited.
  const crash = () => void thread.call('crash').catch(() => undefined);
  return { thread, restarts, logged, crash };
}

test('a listener thread that dies is started again, its listeners open on the same ports', async (t) => {
  const { thread, restarts, logged, crash } = await echoThread(t);
  const port = await thread.listener('echo').listen(0, '127.0.0.1');
  const [before] = (await echo(port, 'hello')).split(' ');

  crash();
  await restarts;
  const [after, word] = (await echo(port, 'again')).split(' ');
  assert.equal(word, 'again', 'the same port answers again');
  assert.notEqual(after, before, 'from a new thread');
  assert.match(logged.join('\n'), /the echo thread stopped \(a bug in a session\); starting it again/);
});

test('a listener closed before the thread died stays closed after the restart', async (t) => {
  const { thread, restarts, crash } = await echoThread(t);
  const kept = await thread.listener('kept').listen(0, '127.0.0.1');
  const down = thread.listener('down');
  const downPort = await down.listen(0, '127.0.0.1');
  await down.close();

  crash();
  await restarts;
  assert.match(await echo(kept, 'up'), / up$/);
  await assert.rejects(echo(downPort, 'x'), { code: 'ECONNREFUSED' });
});
