import AxeBuilder from '@axe-core/playwright';
import { expect, expectReceivedOnce, test } from './fixtures';

// axe on every view of the panel, with real content in it, in light and in dark mode.

const VIEWS = ['Queue', 'History', 'Sites', 'Settings'] as const;

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no violations on Queue, History, Sites and Settings in ${colorScheme} mode`, async ({ agent, panel, server }) => {
    await panel.page.emulateMedia({ colorScheme });
    // Content for every view: a decided action (History), a rule (Sites), and a held card that
    // crosses to another site (the card's flags and risks) waiting in the Queue.
    await agent.goto(`${server.origin}/cases/spa-fetch.html`);
    await agent.getByRole('button', { name: 'Buy now' }).click();
    await panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');
    await panel.sites.open();
    await panel.sites.addRule('mail.example', 'block');
    await panel.page.getByRole('tab', { name: 'Queue' }).click();
    await agent.goto(`${server.origin}/cases/cross-post.html`);
    await agent.getByRole('button', { name: 'Submit answers' }).click();
    await expect(panel.page.getByRole('article')).toHaveCount(1);

    for (const view of VIEWS) {
      await panel.page.getByRole('tab', { name: view }).click();
      await expect(panel.page.getByRole('tab', { name: view })).toHaveAttribute('aria-selected', 'true');
      if (view === 'History') await expect(panel.page.getByRole('row').nth(1)).toBeVisible();
      const { violations } = await new AxeBuilder({ page: panel.page }).analyze();
      const summary = violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('; ')})`);
      expect(summary, `${view} in ${colorScheme} mode`).toEqual([]);
    }
  });
}
