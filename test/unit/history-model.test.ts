import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HistoryModel, PAGE, type HistorySource } from '@/components/history/model';
import type { ActionRecord } from '@/lib/db/schema';
import type { HistoryFilter } from '@/lib/history/query';

/** A source whose every read waits until the test settles it, so the order of answers is the test's. */
function deferredSource() {
  const calls: { what: string; filter: HistoryFilter; offset?: number; settle: (value: unknown) => void; fail: (error: Error) => void }[] = [];
  const wait = <T,>(what: string, filter: HistoryFilter, offset?: number) =>
    new Promise<T>((resolve, reject) => calls.push({ what, filter, offset, settle: resolve as (value: unknown) => void, fail: reject }));
  const source: HistorySource = {
    page: (filter, offset) => wait('page', filter, offset),
    count: (filter) => wait('count', filter),
    sites: () => wait('sites', {}),
    export: () => wait('export', {}),
  };
  return { source, calls };
}

const rows = (label: string, count = 2) =>
  Array.from({ length: count }, (_, index) => ({ id: `${label}${index}`, label }) as unknown as ActionRecord);
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('the history model', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs one search for a burst of keystrokes, after the typing stops', async () => {
    const { source, calls } = deferredSource();
    const model = new HistoryModel(source, { searchDelayMs: 250, changeDelayMs: 150 });
    model.start();
    for (const text of ['i', 'in', 'inv', 'invoice']) {
      model.setSearch(text);
      vi.advanceTimersByTime(100);
    }
    expect(model.getState().search).toBe('invoice'); // the box shows every keystroke
    expect(calls.filter((call) => call.what === 'page')).toHaveLength(1); // only the first load so far
    vi.advanceTimersByTime(250);
    const pages = calls.filter((call) => call.what === 'page');
    expect(pages.map((call) => call.filter.text)).toEqual([undefined, 'invoice']);
  });

  it('drops a first page that answers after the filter changed', async () => {
    const { source, calls } = deferredSource();
    const model = new HistoryModel(source);
    model.start();
    model.setFilter({ kind: 'purchase' });
    const [stale, fresh] = calls;
    fresh!.settle(rows('purchase'));
    await flush();
    stale!.settle(rows('everything'));
    await flush();
    expect(model.getState().filter).toEqual({ kind: 'purchase' });
    expect(model.getState().pages?.get(0)?.[0]?.label).toBe('purchase');
  });

  it('drops a page scrolled into view under an earlier filter', async () => {
    const { source, calls } = deferredSource();
    const model = new HistoryModel(source);
    model.start();
    calls[0]!.settle(rows('all', PAGE));
    await flush();
    model.ensureRows(PAGE, PAGE + 10); // page 1 under no filter: still loading ...
    const scrolled = calls.find((call) => call.what === 'page' && call.offset === PAGE)!;
    model.setFilter({ site: 'https://shop.example' }); // ... when the filter changes
    calls.find((call) => call.what === 'page' && call.filter.site)!.settle(rows('shop'));
    await flush();
    scrolled.settle(rows('stale'));
    await flush();
    expect([...model.getState().pages!.keys()]).toEqual([0]);
    expect(model.getState().pages!.get(0)![0]!.label).toBe('shop');
  });

  it('reloads once for a burst of changes from the broker, keeping the rows shown meanwhile', async () => {
    const { source, calls } = deferredSource();
    const model = new HistoryModel(source, { searchDelayMs: 250, changeDelayMs: 150 });
    model.start();
    calls[0]!.settle(rows('before'));
    await flush();
    for (let i = 0; i < 20; i++) model.changed();
    vi.advanceTimersByTime(150);
    expect(calls.filter((call) => call.what === 'page')).toHaveLength(2);
    expect(model.getState().pages!.get(0)![0]!.label).toBe('before');
  });

  it('still reloads on changes after being stopped and started again with a change pending', async () => {
    const { source, calls } = deferredSource();
    const model = new HistoryModel(source, { searchDelayMs: 250, changeDelayMs: 150 });
    model.start();
    model.changed();
    model.stop(); // React mounts, unmounts and mounts again in development
    model.start();
    model.changed();
    vi.advanceTimersByTime(150);
    expect(calls.filter((call) => call.what === 'page')).toHaveLength(3);
  });

  it('says when the history cannot be read, instead of showing nothing', async () => {
    const { source, calls } = deferredSource();
    const model = new HistoryModel(source);
    model.start();
    calls[0]!.fail(new Error('database closed'));
    await flush();
    expect(model.getState().error).toBe('The history could not be read: database closed');
  });

  it('surfaces an export that fails, and one that succeeds', async () => {
    const { source, calls } = deferredSource();
    const model = new HistoryModel(source);
    const failing = model.exportAs('csv', false);
    expect(model.getState().exporting.busy).toBe(true);
    calls.find((call) => call.what === 'export')!.fail(new Error('QuotaExceededError'));
    await failing;
    expect(model.getState().exporting).toEqual({ busy: false, done: null, error: 'Export failed: QuotaExceededError' });
    const working = model.exportAs('csv', false);
    calls.filter((call) => call.what === 'export')[1]!.settle({ count: 1200 });
    await working;
    expect(model.getState().exporting).toEqual({ busy: false, done: 'Exported 1,200 actions.', error: null });
  });
});
