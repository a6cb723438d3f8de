/** A FIFO with O(1) push, shift and unshift (queues hold up to millions of messages). */
export class Deque<T> {
  private buf: (T | undefined)[] = new Array(16);
  private head = 0;
  length = 0;

  push(x: T): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[(this.head + this.length) & (this.buf.length - 1)] = x;
    this.length++;
  }

  unshift(x: T): void {
    if (this.length === this.buf.length) this.grow();
    this.head = (this.head - 1) & (this.buf.length - 1);
    this.buf[this.head] = x;
    this.length++;
  }

  shift(): T | undefined {
    if (!this.length) return undefined;
    const x = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.length--;
    return x;
  }

  peek(): T | undefined {
    return this.length ? this.buf[this.head] : undefined;
  }

  at(i: number): T | undefined {
    return i >= 0 && i < this.length ? this.buf[(this.head + i) & (this.buf.length - 1)] : undefined;
  }

  /** Remove the first element matching `pred`; O(n). */
  remove(pred: (x: T) => boolean): T | undefined {
    for (let i = 0; i < this.length; i++) {
      const x = this.at(i)!;
      if (pred(x)) {
        const rest: T[] = [];
        for (let j = i + 1; j < this.length; j++) rest.push(this.at(j)!);
        this.length = i;
        for (const r of rest) this.push(r);
        return x;
      }
    }
    return undefined;
  }

  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i)!);
    return out;
  }

  clear(): void {
    this.buf = new Array(16);
    this.head = 0;
    this.length = 0;
  }

  private grow(): void {
    const n = this.buf.length * 2;
    const next: (T | undefined)[] = new Array(n);
    for (let i = 0; i < this.length; i++) next[i] = this.buf[(this.head + i) & (this.buf.length - 1)];
    this.buf = next;
    this.head = 0;
  }
}
