// A first-in first-out queue whose shift() is O(1): Array.prototype.shift moves every element in V8 once
// an array is large, so draining a backlog of maxQueue (up to 16,777,216) events took minutes.
// Items are read at a head index; the array is cut down when the read part outweighs the rest.

/** Below this many read slots the array is left as it is: cutting a small array buys nothing. */
const COMPACT_AFTER = 1024;

export class Fifo<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The oldest item, removed; undefined when empty. */
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // the queue must not keep what it handed out alive
    this.head++;
    if (this.head === this.items.length) {
      this.clear();
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      // Copies at most as many items as were read since the last cut: O(1) per shift, amortised.
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
