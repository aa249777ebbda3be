import type { ProposedAction } from '@/lib/actions/types';
import type { Clock } from '@/lib/intercept/clock';
import { readContentRequest, readPanelRequest } from '@/lib/messaging/messages';

/** The request the message table accepts, or null where it refuses. */
export function parsePanelRequest(message: unknown) {
  const read = readPanelRequest(message);
  return read.ok ? read.request : null;
}

export function parseContentRequest(message: unknown) {
  const read = readContentRequest(message);
  return read.ok ? read.request : null;
}

export function proposal(over: Partial<ProposedAction> = {}): ProposedAction {
  return {
    id: `a-${Math.random().toString(36).slice(2)}`,
    kind: 'purchase',
    trigger: 'click',
    label: 'Place order',
    frameUrl: 'https://shop.example/checkout',
    frameTitle: 'Checkout',
    fields: [{ name: 'name', label: 'Name', type: 'text', value: 'Ada' }],
    amount: { value: 12, currency: 'USD', text: '$12' },
    signals: ['webdriver'],
    heldAt: 1_700_000_000_000,
    ...over,
  };
}

/** The interceptor's clock on the global timers, which a test fakes (vi.useFakeTimers with Date). */
export const timerClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms) as unknown as number,
  clearTimeout: (id) => clearTimeout(id),
  setInterval: (run, ms) => setInterval(run, ms) as unknown as number,
  clearInterval: (id) => clearInterval(id),
};
