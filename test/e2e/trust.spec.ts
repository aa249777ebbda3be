import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR, expect, expectNothingReceived, expectReceivedOnce, test } from './fixtures';

// Runs inside pages: the extension API as far as each page can see it.
declare const chrome: {
  runtime?: { sendMessage?: (...args: unknown[]) => Promise<unknown> };
  action: { getBadgeText(details: object): Promise<string> };
  sidePanel: { getPanelBehavior(): Promise<{ openPanelOnActionClick?: boolean }> };
};

test('the badge counts pending actions and the toolbar button opens the side panel', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await expect(panel.card('Buy now')).toBeVisible();
  await expect.poll(() => panel.page.evaluate(() => chrome.action.getBadgeText({}))).toBe('1');
  expect(await panel.page.evaluate(() => chrome.sidePanel.getPanelBehavior())).toMatchObject({ openPanelOnActionClick: true });

  await panel.approve('Buy now');
  await expectReceivedOnce(server, '/api/spa/buy');
  await expect.poll(() => panel.page.evaluate(() => chrome.action.getBadgeText({}))).toBe('');
});

test('the toolbar and the store have icons of every size the manifest names', async () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
    icons: Record<string, string>;
    action: { default_icon: Record<string, string> };
  };
  expect(Object.keys(manifest.icons).sort()).toEqual(['128', '16', '32', '48']);
  for (const [size, file] of [...Object.entries(manifest.icons), ...Object.entries(manifest.action.default_icon)]) {
    const png = readFileSync(join(EXTENSION_DIR, file));
    expect(png.subarray(1, 4).toString(), file).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)], file).toEqual([Number(size), Number(size)]); // IHDR width, height
  }
});

test('a page cannot approve its own held action', async ({ agent, extensionId, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await expect(panel.card('Buy now')).toBeVisible();

  const attempts = await agent.evaluate(async (id) => {
    const results: string[] = [];
    // No externally_connectable: the page has no channel to the extension at all.
    results.push(typeof chrome?.runtime?.sendMessage);
    // Replaying the click itself is just another action, held like the first.
    document.getElementById('buy')!.click();
    // Forged events in every shape the page can see.
    window.postMessage({ type: 'decision', id, verdict: 'approve' }, '*');
    window.postMessage({ type: 'hold', status: 'release' }, '*');
    document.dispatchEvent(new CustomEvent('countersign:form-submit', { bubbles: true }));
    document.getElementById('buy')!.dispatchEvent(new CustomEvent('countersign:form-submit', { bubbles: true, cancelable: true }));
    for (const type of ['click', 'submit', 'keydown', 'countersign:decision', 'countersign:approve']) {
      window.dispatchEvent(new CustomEvent(type, { detail: { id, verdict: 'approve' } }));
    }
    // Tampering with the hooked prototype does not reach the isolated world's replay.
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/api/spa/buy';
    document.body.append(form);
    HTMLFormElement.prototype.submit = () => results.push('page submit ran');
    results.push(String(typeof (window as unknown as { countersign?: unknown }).countersign));
    return results;
  }, extensionId);
  expect(attempts).toEqual(['undefined', 'undefined']);
  await expect(panel.card('Buy now')).toHaveCount(2);
  await expectNothingReceived(server, '/api/spa/buy', 800);
});

test('guard mode off lets an agent through, and automation mode holds it again', async ({ agent, panel, server }) => {
  await panel.settings.open();
  const mode = panel.settings.field('Guard mode');
  await mode.selectOption('off');
  const guardOff = panel.page.getByRole('alert').filter({ hasText: 'The guard is off' });
  await expect(guardOff).toHaveText('The guard is off: nothing is held.');

  try {
    await agent.goto(`${server.origin}/cases/spa-fetch.html`);
    await agent.getByRole('button', { name: 'Buy now' }).click();
    await expectReceivedOnce(server, '/api/spa/buy');
  } finally {
    await mode.selectOption('automation');
  }
  await expect(guardOff).toHaveCount(0);
  server.reset();
  await agent.reload();
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await panel.queue.open();
  await expect(panel.card('Buy now')).toBeVisible();
  await expectNothingReceived(server, '/api/spa/buy');
});

test('the manifest offers pages no way in, and extension pages run under a strict CSP', async () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  expect(manifest).not.toHaveProperty('externally_connectable');
  expect(manifest).not.toHaveProperty('web_accessible_resources');
  expect(manifest.content_security_policy.extension_pages).toBe("script-src 'self'; object-src 'none'; base-uri 'none'");
});
