import { defineConfig } from 'wxt';

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  manifest: {
    name: 'Countersign',
    description: 'Hold what a browser-automation agent is about to send until a person approves it.',
    // debugger: only getTargets(), to see whether a DevTools-protocol client drives a tab.
    // webNavigation: a frame that navigates away abandons its held actions.
    permissions: ['storage', 'tabs', 'sidePanel', 'debugger', 'webNavigation'],
    action: { default_title: 'Countersign' },
    content_security_policy: {
      extension_pages: "script-src 'self'; object-src 'none'; base-uri 'none'",
    },
  },
});
