import { describe, expect, it } from 'vitest';
import { FreshRead } from '@/lib/broker/fresh';

/** A read the test finishes by hand, counting how many began. */
function manualRead() {
  const finishers: ((value: number) => void)[] = [];
  let began = 0;
  const read = new FreshRead(
    () =>
      new Promise<number>((resolve) => {
        began++;
        finishers.push(resolve);
      }),
  );
  return { read, began: () => began, finish: (value: number) => finishers.shift()!(value) };
}

describe('FreshRead', () => {
  it('gives fifty callers during one read the next read: two reads in all', async () => {
    const { read, began, finish } = manualRead();
    const first = read.get();
    const later = Array.from({ length: 50 }, () => read.get());
    expect(began()).toBe(1);
    finish(1);
    expect(await first).toBe(1);
    await Promise.resolve();
    expect(began()).toBe(2);
    finish(2);
    expect(await Promise.all(later)).toEqual(Array(50).fill(2));
    expect(read.idle).toBe(true);
  });

  it('never answers a caller with a read that began before its call', async () => {
    const { read, finish } = manualRead();
    const first = read.get();
    const second = read.get(); // arrived while the first was under way
    finish(10);
    await first;
    await Promise.resolve();
    finish(20);
    expect(await second).toBe(20);
  });

  it('goes on after a read fails', async () => {
    let calls = 0;
    const read = new FreshRead(async () => {
      calls++;
      if (calls === 1) throw new Error('backend gone');
      return calls;
    });
    const failing = read.get();
    const next = read.get();
    await expect(failing).rejects.toThrow('backend gone');
    expect(await next).toBe(2);
    expect(await read.get()).toBe(3);
  });
});
