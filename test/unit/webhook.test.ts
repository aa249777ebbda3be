import { describe, expect, it } from 'vitest';
import { Broker, type Origin } from '@/lib/broker/broker';
import { handlePanelRequest } from '@/lib/broker/router';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';
import { RETRY_DELAYS_MS, webhookRequest } from '@/lib/policy/webhook';
import { FakePlatform } from './fake-platform';
import { proposal } from './helpers';

// "Tell the person where they are": a post per action that waits past the set time, through the
// real broker, with the receiver played by the fake platform.

let dbCounter = 0;
const origin: Origin = { tabId: 1, frameId: 0, tabUrl: 'https://shop.example/checkout', tabTitle: 'Checkout' };
const webhook = { url: 'https://hooks.example/T000/B000', format: 'slack' as const, afterSeconds: 30, link: 'https://desk.example/' };

async function setup() {
  const store = new ActionStore(await openCountersignDb(`webhook-${dbCounter++}`));
  const platform = new FakePlatform();
  const broker = new Broker(store, platform);
  await broker.updateSettings({ dwellMs: 0, webhook });
  return { store, platform, broker };
}

const secretPurchase = () =>
  proposal({ fields: [{ name: 'card', label: 'Card number', type: 'text', value: '•••• 4242', masked: true }, { name: 'name', label: 'Name', type: 'text', value: 'Ada Lovelace' }] });

describe('the waiting-action webhook', () => {
  it('posts once for an action still waiting after the set time, naming kind, site, control and amount, never a field', async () => {
    const { platform, broker } = await setup();
    const action = secretPurchase();
    await broker.holds.hold(action, origin);
    const timer = `notice:${action.id}:0`;
    await expect.poll(() => platform.timers.get(timer)).toBeGreaterThan(platform.clock);
    platform.clock += 31_000;
    await broker.onTimer(timer);
    expect(platform.posts).toHaveLength(1);
    const body = JSON.parse(String(platform.posts[0]!.init.body)) as { text: string };
    expect(platform.posts[0]!.url).toBe(webhook.url);
    expect(body.text).toMatch(/^Countersign: a purchase on https:\/\/shop\.example waits for your decision \(31 s\): “Place order”, \$12 <https:\/\/desk\.example\/\|Review it>$/);
    expect(body.text).not.toMatch(/Ada|4242/);
    expect(await handlePanelRequest(broker, { type: 'webhook-status' })).toMatchObject({ managed: false, last: { ok: true, attempt: 1, actionId: action.id } });
  });

  it('posts nothing for an action decided in time', async () => {
    const { platform, broker } = await setup();
    const action = secretPurchase();
    await broker.holds.hold(action, origin);
    await broker.decisions.deliverDecision(action.id, 'reject');
    await broker.onTimer(`notice:${action.id}:0`);
    expect(platform.posts).toEqual([]);
  });

  it('tries again with back-off after a failure, shows it, and gives up after the last try', async () => {
    const { platform, broker } = await setup();
    const action = secretPurchase();
    await broker.holds.hold(action, origin);
    platform.postAnswer = () => ({ ok: false, status: 500 });
    await broker.onTimer(`notice:${action.id}:0`);
    expect(Math.abs(platform.timers.get(`notice:${action.id}:1`)! - (platform.clock + RETRY_DELAYS_MS[0]!))).toBeLessThan(10);
    expect(await handlePanelRequest(broker, { type: 'webhook-status' })).toMatchObject({ last: { ok: false, attempt: 1, error: 'the webhook answered 500; trying again' } });
    for (let attempt = 1; attempt <= RETRY_DELAYS_MS.length; attempt++) await broker.onTimer(`notice:${action.id}:${attempt}`);
    expect(platform.posts).toHaveLength(RETRY_DELAYS_MS.length + 1);
    expect(platform.timers.has(`notice:${action.id}:${RETRY_DELAYS_MS.length + 1}`)).toBe(false);
    expect(await handlePanelRequest(broker, { type: 'webhook-status' })).toMatchObject({ last: { ok: false, error: expect.stringMatching(/gave up$/) } });
    // A failing webhook never held up the action: it is still pending, decidable.
    expect((await broker.decisions.deliverDecision(action.id, 'approve')).ok).toBe(true);
  });

  it('takes the administrator’s webhook over the person’s, and refuses a setting that is not a webhook', async () => {
    const { platform, broker } = await setup();
    platform.managedWebhookPolicy = { url: 'https://ntfy.example/countersign', format: 'ntfy', afterSeconds: 5 };
    const action = secretPurchase();
    await broker.holds.hold(action, origin);
    await broker.onTimer(`notice:${action.id}:0`);
    expect(platform.posts[0]).toMatchObject({ url: 'https://ntfy.example/countersign', init: { headers: { Title: 'Countersign: an action waits for you' } } });
    expect(await handlePanelRequest(broker, { type: 'webhook-status' })).toMatchObject({ managed: true });
    const refused = await handlePanelRequest(broker, { type: 'set-settings', settings: { webhook: { url: 'javascript:alert(1)', format: 'json', afterSeconds: 30 } } });
    expect(refused).toMatchObject({ ok: false, refused: true });
  });

  it('speaks each format: Slack and Mattermost links, ntfy headers, plain JSON', () => {
    const record = { id: 'a1', kind: 'send', site: 'https://mail.example', label: 'Send', createdAt: 0 };
    const body = (format: 'slack' | 'mattermost' | 'json') => JSON.parse(String(webhookRequest(record, { ...webhook, format }, 45).init.body)) as Record<string, unknown>;
    expect(body('slack').text).toMatch(/<https:\/\/desk\.example\/\|Review it>$/);
    expect(body('mattermost').text).toMatch(/\[Review it\]\(https:\/\/desk\.example\/\)$/);
    expect(body('json')).toMatchObject({ event: 'countersign.waiting', action: { id: 'a1', kind: 'send', waitingSeconds: 45 }, link: 'https://desk.example/' });
    const ntfy = webhookRequest(record, { ...webhook, format: 'ntfy' }, 45).init;
    expect(ntfy.headers).toMatchObject({ Click: 'https://desk.example/' });
    expect(ntfy.body).toMatch(/^Countersign: a send on https:\/\/mail\.example waits/);
  });
});
