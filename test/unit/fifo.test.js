'use strict';
// Fifo, the queue of EventStream: order and length across the cuts of its array.
const assert = require('assert');

const { Fifo } = require('../../dist/fifo.js');

describe('Fifo', () => {
  it('gives items back in order, interleaved with pushes, across the cuts of its array', () => {
    const fifo = new Fifo();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 1000; i++) fifo.push(next++);
      for (let i = 0; i < 700; i++) assert.strictEqual(fifo.shift(), expected++);
      assert.strictEqual(fifo.length, next - expected);
    }
    while (fifo.length > 0) assert.strictEqual(fifo.shift(), expected++);
    assert.strictEqual(expected, next);
    assert.strictEqual(fifo.shift(), undefined, 'empty');
  });

  it('keeps its length as a bounded queue dropping the oldest (shift then push) runs for long', () => {
    const fifo = new Fifo();
    for (let i = 0; i < 3000; i++) fifo.push(i);
    for (let i = 3000; i < 20000; i++) {
      assert.strictEqual(fifo.shift(), i - 3000);
      fifo.push(i);
    }
    assert.strictEqual(fifo.length, 3000);
    assert.strictEqual(fifo.shift(), 17000);
  });

  it('clear() empties it', () => {
    const fifo = new Fifo();
    fifo.push('a');
    fifo.push('b');
    fifo.clear();
    assert.strictEqual(fifo.length, 0);
    assert.strictEqual(fifo.shift(), undefined);
    fifo.push('c');
    assert.strictEqual(fifo.shift(), 'c');
  });
});
