'use strict';
// lib/pull-queue.ts alone: order, bounds, and the end (queue drained first, the error thrown once).
const assert = require('assert');

const { PullQueue } = require('../../dist/pull-queue.js');

describe('PullQueue', () => {
  it('hands values to waiting next() calls in order, then queues the rest', async () => {
    let changes = 0;
    const queue = new PullQueue(() => changes++);
    const first = queue.next();
    assert.strictEqual(queue.waiting, true);
    queue.push('a', 10, 'error');
    queue.push('b', 10, 'error');
    assert.deepStrictEqual(await first, { done: false, value: 'a' });
    assert.strictEqual(queue.length, 1);
    assert.deepStrictEqual(await queue.next(), { done: false, value: 'b' });
    assert.ok(changes >= 2, 'waitingChanged is told when a next() starts and stops waiting');
  });

  it("'drop-oldest' drops one at the bound; 'error' queues nothing and says so", () => {
    const queue = new PullQueue(() => undefined);
    queue.push(1, 2, 'drop-oldest');
    queue.push(2, 2, 'drop-oldest');
    assert.deepStrictEqual(queue.push(3, 2, 'drop-oldest'), { queued: true, dropped: 1 });
    assert.deepStrictEqual(queue.push(4, 2, 'error'), { queued: false, dropped: 0 });
    assert.strictEqual(queue.length, 2);
  });

  it('after end(error), what is queued is read first, the error is thrown once, then done', async () => {
    const queue = new PullQueue(() => undefined);
    queue.push('a', 10, 'error');
    assert.strictEqual(queue.end(new Error('gone')), true);
    assert.strictEqual(queue.end(new Error('again')), false, 'only the first end counts');
    assert.deepStrictEqual(await queue.next(), { done: false, value: 'a' });
    await assert.rejects(queue.next(), /gone/);
    assert.deepStrictEqual(await queue.next(), { done: true, value: undefined });
  });

  it('end() settles waiting next() calls; discardQueued and forgetError end it quietly', async () => {
    const queue = new PullQueue(() => undefined);
    const waiting = queue.next();
    queue.end(new Error('gone'));
    await assert.rejects(waiting, /gone/);
    const other = new PullQueue(() => undefined);
    other.push('a', 10, 'error');
    other.end(new Error('gone'), { discardQueued: true });
    other.forgetError();
    assert.deepStrictEqual(await other.next(), { done: true, value: undefined });
  });
});
