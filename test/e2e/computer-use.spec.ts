import { spawnSync } from 'node:child_process';
import puppeteer from 'puppeteer-core';
import { expect, expectNothingReceived, expectReceivedOnce, foreignClientTest as test } from './fixtures';
import { startLauncher, type Launched } from './launcher';
import { startXvfb } from './xvfb';

// A computer-use agent moves the real mouse: its click is a trusted X event, and no DevTools
// client drives its tab. Only mode "always" (`npm run browser -- --guard always`) holds it.

const xdotool = (display: string, ...args: string[]) => {
  const run = spawnSync('xdotool', args, { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim();
};

/** Opens the support form in the launched browser and clicks its submit button with the X mouse. */
async function clickWithRealMouse(launched: Launched, display: string, url: string): Promise<void> {
  // The page opens over the endpoint's HTTP interface, which attaches no client to it.
  const opened = await fetch(`${launched.endpoint}/json/new?${encodeURIComponent(url)}`, { method: 'PUT' });
  expect(opened.ok).toBe(true);
  let window = '';
  const search = () => spawnSync('xdotool', ['search', '--onlyvisible', '--name', 'Open a support ticket'], { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' });
  await expect.poll(() => (window = search().stdout.trim().split('\n')[0] ?? ''), { timeout: 15_000 }).not.toBe('');
  const [width, height] = /Geometry: (\d+)x(\d+)/.exec(xdotool(display, 'getwindowgeometry', window))!.slice(1).map(Number) as [number, number];
  // Below the middle of the window: the page's submit button fills everything under the toolbar.
  xdotool(display, 'mousemove', '--window', window, String(width / 2), String(height * 0.75), 'click', '1');
}

test('with --guard always, a real mouse click in a tab nothing drives is held until the person approves', async ({ server }) => {
  const x = await startXvfb();
  const launched = await startLauncher(['--port', '0', '--guard', 'always'], { ...process.env, DISPLAY: x.display });
  try {
    expect(launched.output).toContain('every tab (mode "always")');
    await clickWithRealMouse(launched, x.display, `${server.origin}/cases/support-ticket.html`);
    await expectNothingReceived(server, '/cases/support-ticket', 1500);

    // The person approves in the panel; their DevTools client attaches to the panel's tab only.
    const panelUrl = /chrome-extension:\/\/\w+\/sidepanel\.html/.exec(launched.output)![0]; // as the launcher printed it
    await fetch(`${launched.endpoint}/json/new?${encodeURIComponent(panelUrl)}`, { method: 'PUT' });
    const person = await puppeteer.connect({ browserURL: launched.endpoint, targetFilter: (target) => target.url() === panelUrl });
    try {
      const panel = (await person.pages()).find((page) => page.url() === panelUrl)!;
      const card = await panel.waitForSelector('article');
      expect(await card!.evaluate((element) => element.textContent)).toContain('Submit ticket');
      await panel.waitForSelector('article .decide button.approve:not([disabled])');
      await panel.click('article .decide button.approve');
      const request = await expectReceivedOnce(server, '/cases/support-ticket');
      expect(new URLSearchParams(request.body).get('your-message')).toBe('Please refund order 1042 to my card.');
    } finally {
      await person.disconnect();
    }
  } finally {
    await launched.stop();
    x.stop();
  }
});

test('without it, the same real click, a person’s own, goes through untouched', async ({ server }) => {
  const x = await startXvfb();
  const launched = await startLauncher(['--port', '0'], { ...process.env, DISPLAY: x.display });
  try {
    expect(launched.output).toContain('tabs an agent drives (mode "automation")');
    await clickWithRealMouse(launched, x.display, `${server.origin}/cases/support-ticket.html`);
    await expectReceivedOnce(server, '/cases/support-ticket');
  } finally {
    await launched.stop();
    x.stop();
  }
});
