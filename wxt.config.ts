import { defineConfig } from 'wxt';

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill'],
  manifest: {
    name: 'Countersign',
    description: 'Hold what a browser-automation agent is about to send until a person approves it.',
    // debugger: only getTargets(), to see whether a DevTools-protocol client drives a tab.
    // webNavigation: a frame that navigates away abandons its held actions.
    // favicon: site icons served by the browser, so the panel never loads a page's URL.
    // notifications: a held action, when no Countersign panel is open to show it.
    // alarms: pending actions time out and grants expire even after the worker slept.
    // webRequest: observation only, to log state-changing requests that left a guarded tab unreviewed.
    permissions: ['storage', 'tabs', 'sidePanel', 'debugger', 'webNavigation', 'webRequest', 'favicon', 'alarms', 'notifications'],
    // captureVisibleTab needs host access to picture the tab an action came from.
    host_permissions: ['<all_urls>'],
    // Toolbar and store icons come from public/icon/N.png (drawn from assets/icon.svg by scripts/icons.mjs).
    action: { default_title: 'Countersign', default_icon: { 16: 'icon/16.png', 32: 'icon/32.png' } },
    // The toolbar button opens the side panel, so its command is the panel's keyboard shortcut.
    commands: { _execute_action: { suggested_key: { default: 'Alt+Shift+C' }, description: 'Open the Countersign panel' } },
    storage: { managed_schema: 'managed_schema.json' },
    // The interceptor is a plain script (entrypoints/interceptor.ts) for size; see its header.
    content_scripts: [
      {
        matches: ['<all_urls>'],
        js: ['interceptor.js'],
        run_at: 'document_start',
        all_frames: true,
        match_about_blank: true,
        match_origin_as_fallback: true,
      },
    ],
    content_security_policy: {
      extension_pages: "script-src 'self'; object-src 'none'; base-uri 'none'",
    },
  },
});
