import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { expect, expectNothingReceived, expectReceivedOnce, extensionIdOf, foreignClientTest as test, joinNewsletter, launchWithExtension, PanelPage } from './fixtures';

// The panel speaks the browser's language (browser.i18n): Chromium on Linux takes it from LANGUAGE.

async function withBrowserIn(language: string, work: (context: BrowserContext, panel: PanelPage) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(resolve(tmpdir(), `countersign-${language}-`));
  const context = await launchWithExtension(dir, { language });
  try {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${await extensionIdOf(context)}/sidepanel.html`);
    const panel = new PanelPage(page);
    await panel.reset();
    await work(context, panel);
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('in German, the panel holds, explains and approves in German, and the server receives the form once', async ({ server }) => {
  await withBrowserIn('de', async (context, panel) => {
    await expect(panel.page.getByRole('tab', { name: 'Warteschlange' })).toHaveAttribute('aria-selected', 'true');
    await expect(panel.page.getByText('Keine wartenden Aktionen.')).toBeVisible();

    await joinNewsletter(await context.newPage(), server.origin, 'ada@example.com');
    await expectNothingReceived(server, '/cases/newsletter');
    const card = panel.page.getByRole('article', { name: `Formularübermittlung auf ${server.origin}` });
    await expect(card).toContainText('Als Formularübermittlung zurückgehalten, weil');
    await expect(card).toContainText('der Browser wird automatisiert (navigator.webdriver)');
    await expect(card.getByRole('button', { name: 'Formularübermittlung ablehnen' })).toBeVisible();
    const approve = card.getByRole('button', { name: 'Formularübermittlung freigeben' });
    await expect(approve).toBeEnabled();
    await approve.click();
    const request = await expectReceivedOnce(server, '/cases/newsletter');
    expect(new URLSearchParams(request.body).get('email')).toBe('ada@example.com');

    // The history tells what happened in German; the log's own data (the site, the label) is as written.
    await panel.page.getByRole('tab', { name: 'Verlauf' }).click();
    await expect(panel.page.getByRole('table', { name: 'Verlauf' })).toContainText('freigegeben durch Person');
  });
});

test('in French and Spanish, the panel’s views and empty queue are in that language', async () => {
  for (const [language, tabs, empty] of [
    ['fr', ['File d’attente', 'Historique', 'Sites', 'Réglages'], 'Aucune action en attente.'],
    ['es', ['Cola', 'Historial', 'Sitios', 'Ajustes'], 'No hay acciones en espera.'],
  ] as const) {
    await withBrowserIn(language, async (_, panel) => {
      await expect(panel.page.getByRole('tab')).toHaveText([...tabs]);
      await expect(panel.page.getByText(empty)).toBeVisible();
    });
  }
});
