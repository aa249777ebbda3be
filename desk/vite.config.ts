import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { generateChromeMessages, parseMessagesText } from '@wxt-dev/i18n/build';
import { defineConfig, type Plugin } from 'vite';

// The reviewer desk: the extension's Team view and team code as a static site
// (npm run build:desk → .output/desk), for a phone or a browser without the extension.

const ROOT = resolve(import.meta.dirname, '..');
const LOCALES = ['en', 'de', 'es', 'fr'];

/** `virtual:locale-messages`: every locale's messages, as the extension's _locales hold them. */
function localeMessages(): Plugin {
  const id = 'virtual:locale-messages';
  return {
    name: 'countersign-locale-messages',
    resolveId: (source) => (source === id ? `\0${id}` : undefined),
    load(loaded) {
      if (loaded !== `\0${id}`) return;
      const all = Object.fromEntries(
        LOCALES.map((locale) => {
          const parsed = generateChromeMessages(parseMessagesText(readFileSync(resolve(ROOT, `locales/${locale}.yml`), 'utf8'), 'YAML'));
          return [locale, Object.fromEntries(Object.entries(parsed).map(([name, { message }]) => [name, message]))];
        }),
      );
      return `export default ${JSON.stringify(all)};`;
    },
  };
}

export default defineConfig({
  root: resolve(ROOT, 'desk'),
  base: './',
  plugins: [react(), localeMessages()],
  resolve: {
    alias: [
      { find: /^(wxt\/browser|@wxt-dev\/browser)$/, replacement: resolve(ROOT, 'desk/browser.ts') },
      { find: '#i18n', replacement: resolve(ROOT, '.wxt/i18n/index.ts') },
      { find: /^@\//, replacement: `${ROOT}/` },
    ],
  },
  // The shared views ask which browser they run in: the desk is neither extension build.
  define: {
    'import.meta.env.BROWSER': JSON.stringify('desk'),
    'import.meta.env.FIREFOX': 'false',
    'import.meta.env.CHROME': 'false',
  },
  // One script of about 1 MB (280 kB gzipped): the NATS client and the WebAuthn checks are most of it.
  build: { outDir: resolve(ROOT, '.output/desk'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1200 },
});
