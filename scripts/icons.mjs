// Renders assets/icon.svg to the PNG sizes the manifest and the store need (public/icon/N.png),
// with Chromium, so no image library is needed. Run after changing the SVG; the PNGs are committed.
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { findChromium, BROWSER_FLAGS } from './chromium.mjs';

const SIZES = [16, 32, 48, 128];
const svg = readFileSync('assets/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: await findChromium(), args: BROWSER_FLAGS });
mkdirSync('public/icon', { recursive: true });
for (const size of SIZES) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
  await page.screenshot({ path: `public/icon/${size}.png`, omitBackground: true });
  await page.close();
}
await browser.close();
console.log(`public/icon/{${SIZES.join(',')}}.png written`);
