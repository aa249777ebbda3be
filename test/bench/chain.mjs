// What the history's hash chain costs: per held action, the links its writes add (timed here in
// Node on the extension's own code), and on the 100k export, the same history with and without
// its links, exported back to back.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = 2000;

/** A held purchase as the broker writes it: held, evaluated, decided, delivered (each write digests it; three change the export). */
export async function chainCostPerHeldActionUs() {
  const jiti = createJiti(import.meta.url, { alias: { '@': ROOT } });
  const { linked } = await jiti.import(resolve(ROOT, 'lib/db/chain.ts'));
  const held = {
    id: 'bench-1', kind: 'purchase', trigger: 'click', label: 'Place order', frameUrl: 'https://shop.example/checkout', frameTitle: 'Checkout',
    fields: [{ name: 'name', label: 'Full name', type: 'text', value: 'Ada Lovelace' }, { name: 'card', label: 'Card number', type: 'text', value: '•••• 4242', masked: true }],
    amount: { value: 49.9, currency: 'EUR', text: '€49.90' }, signals: ['debugger'], heldAt: 1, tabId: 1, frameId: 0,
    tabUrl: 'https://shop.example/checkout', tabTitle: 'Checkout', site: 'https://shop.example', status: 'pending', createdAt: 1, risks: ['sensitive-fields'],
  };
  const writes = [
    (r) => r,
    (r) => ({ ...r, evaluatedAt: 2, policyReasons: ['no rule for this site'], screenshot: 'captured' }),
    (r) => ({ ...r, status: 'approved', decidedAt: 3, decidedBy: 'person' }),
    (r) => ({ ...r, deliveredAt: 4 }),
  ];
  const once = () => {
    let record = held;
    let head = { seq: 10, hash: 'x'.repeat(43) };
    for (const write of writes) ({ record, head } = linked(write(record), head, 5));
    return record;
  };
  for (let i = 0; i < 200; i++) once();
  const start = performance.now();
  for (let i = 0; i < RUNS; i++) once();
  return ((performance.now() - start) * 1000) / RUNS;
}

/**
 * Rewrites every seeded record, with three links of the real shape (a held, evaluated and
 * decided action's) or, `links` false, as it is: a store just rewritten reads slower for a
 * while, so the two are compared each after a rewrite.
 */
export function rewriteHistory(links) {
  const fake = (n) => `${'h'.repeat(35)}${String(n).padStart(8, '0')}`;
  return new Promise((done, fail) => {
    const open = indexedDB.open('countersign');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('actions', 'readwrite');
      let seq = 0;
      const cursor = tx.objectStore('actions').openCursor();
      cursor.onsuccess = () => {
        const current = cursor.result;
        if (!current) return;
        const chain = links ? [0, 1, 2].map(() => [++seq, current.value.createdAt, fake(seq)]) : undefined;
        current.update(chain ? { ...current.value, chain } : { ...current.value });
        current.continue();
      };
      tx.oncomplete = () => {
        db.close();
        done(seq);
      };
    };
  });
}
