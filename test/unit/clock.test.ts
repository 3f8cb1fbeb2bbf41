import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClockMode, WorldClock, type RealTime } from '../../server/core/clock.js';

/** A fake real time: the test decides when real milliseconds pass. */
function fakeRealTime() {
  let now = 1_000_000;
  const pending: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const real: RealTime = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn, id: nextId++ };
      pending.push(t);
      return t.id;
    },
    clearTimeout: (h) => {
      const i = pending.findIndex((t) => t.id === h);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const passReal = (ms: number) => {
    now += ms;
    for (const t of [...pending].sort((a, b) => a.at - b.at)) {
      if (t.at <= now && pending.includes(t)) {
        pending.splice(pending.indexOf(t), 1);
        t.fn();
      }
    }
  };
  return { real, passReal };
}

test('scaled clock: a 60-minute timer fires after 6 real seconds at x600', () => {
  const { real, passReal } = fakeRealTime();
  const clock = new WorldClock({ kind: 'scaled', factor: 600 }, real, 0);
  const fired: number[] = [];
  clock.setTimer(60 * 60_000, () => fired.push(clock.now()));
  passReal(5_999);
  assert.deepEqual(fired, []);
  passReal(1);
  assert.deepEqual(fired, [3_600_000]);
});

test('stepped clock: nothing moves until advanced, then timers fire in due order', () => {
  const { real, passReal } = fakeRealTime();
  const clock = new WorldClock({ kind: 'stepped' }, real, 0);
  const order: string[] = [];
  clock.setTimer(200, () => order.push('b'));
  clock.setTimer(100, () => order.push('a'));
  clock.setTimer(200, () => order.push('c'));
  passReal(1_000_000);
  assert.equal(clock.now(), 0);
  assert.deepEqual(order, []);
  clock.advance(150);
  assert.deepEqual(order, ['a']);
  clock.advance(50);
  assert.deepEqual(order, ['a', 'b', 'c']);
});

test('switching modes keeps world time continuous and cleared timers never fire', () => {
  const { real, passReal } = fakeRealTime();
  const clock = new WorldClock({ kind: 'real' }, real, 0);
  let fired = false;
  const handle = clock.setTimer(1000, () => (fired = true));
  passReal(400);
  clock.setMode({ kind: 'stepped' });
  assert.equal(clock.now(), 400);
  clock.clearTimer(handle);
  clock.advance(5000);
  assert.equal(fired, false);
  assert.equal(clock.now(), 5400);
});

test('clock modes parse from the command line form', () => {
  assert.deepEqual(parseClockMode('scaled:600'), { kind: 'scaled', factor: 600 });
  assert.deepEqual(parseClockMode('stepped'), { kind: 'stepped' });
  assert.throws(() => parseClockMode('fast'), /real, stepped or scaled/);
});
