import { describe, expect, it } from 'vitest';
import { heldNotification, notificationId, openReviewPanel, tabOfNotification, type PanelOpener } from '@/lib/broker/notification';

describe('held-action notifications', () => {
  it('name the kind, the control and the site, as plain text, clipped', () => {
    const note = heldNotification({ kind: 'purchase', site: 'https://shop.example', label: 'Place order', tabTitle: 'Checkout' }, 'icon.png');
    expect(note).toMatchObject({ title: 'Purchase held for review', message: '“Place order” on https://shop.example', contextMessage: 'Checkout' });
    const long = heldNotification({ kind: 'send', site: 'https://mail.example', label: 'x'.repeat(500), tabTitle: '' }, 'icon.png');
    expect(long.message.length).toBeLessThan(160);
    expect(heldNotification({ kind: 'submit', site: 's', label: '', tabTitle: '' }, 'i').message).toContain('an unnamed control');
  });

  it('carry the tab, so a click opens the panel beside it', () => {
    expect(tabOfNotification(notificationId({ id: 'a:b', tabId: 42 }))).toBe(42);
    expect(tabOfNotification('something else')).toBeUndefined();
  });

  it('open the side panel on a click, or the panel in a tab where the browser refuses', async () => {
    const calls: string[] = [];
    const opener = (sidePanelWorks: boolean): PanelOpener => ({
      openSidePanel: async (tabId) => {
        calls.push(`side panel ${tabId}`);
        if (!sidePanelWorks) throw new Error('sidePanel.open() may only be called in response to a user gesture.');
      },
      openPanelTab: async () => void calls.push('tab'),
    });
    expect(await openReviewPanel(opener(true), 'held:7:x')).toBe('side panel');
    expect(await openReviewPanel(opener(false), 'held:7:x')).toBe('tab');
    expect(await openReviewPanel(opener(true), 'unknown')).toBe('tab');
    expect(calls).toEqual(['side panel 7', 'side panel 7', 'tab', 'tab']);
  });
});
