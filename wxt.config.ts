import { defineConfig, type UserManifest } from 'wxt';

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/webextension-polyfill', '@wxt-dev/i18n/module'],
  // Firefox as MV3 too: the MAIN-world hook needs it (Firefox 128 and later).
  manifestVersion: 3,
  manifest: ({ browser }) => (browser === 'firefox' ? firefox(MANIFEST) : MANIFEST),
  // Terser packs the content scripts, which run in every frame, about 3% smaller than the default.
  vite: () => ({ build: { minify: 'terser', terserOptions: { ecma: 2020, toplevel: true, compress: { passes: 3, unsafe_arrows: true } } } }),
  hooks: {
    // Firefox has no origin fallback for content scripts; WXT writes it from the entrypoints too.
    'build:manifestGenerated': (wxt, manifest) => {
      if (wxt.config.browser !== 'firefox') return;
      for (const script of manifest.content_scripts ?? []) delete (script as { match_origin_as_fallback?: boolean }).match_origin_as_fallback;
    },
  },
});

/** The Chromium manifest; `firefox()` derives Firefox's. */
const MANIFEST = {
  // The panel's words come from locales/*.yml through browser.i18n (the @wxt-dev/i18n module).
  default_locale: 'en',
  name: '__MSG_extension_name__',
  description: '__MSG_extension_description__',
  // debugger: only getTargets(), to see whether a DevTools-protocol client drives a tab.
  // webNavigation: a frame that navigates away abandons its held actions.
  // favicon: site icons served by the browser, so the panel never loads a page's URL.
  // notifications: a held action, when no Countersign panel is open to show it.
  // alarms: pending actions time out and grants expire even after the worker slept.
  // webRequest: observation only, to log state-changing requests that left a guarded tab unreviewed.
  // scripting: the describing half of the content script, injected into a frame on its first hold.
  permissions: ['storage', 'tabs', 'sidePanel', 'debugger', 'webNavigation', 'webRequest', 'favicon', 'alarms', 'notifications', 'scripting'],
  // captureVisibleTab needs host access to picture the tab an action came from.
  host_permissions: ['<all_urls>'],
  // Toolbar and store icons come from public/icon/N.png (drawn from assets/icon.svg by scripts/icons.mjs).
  action: { default_title: 'Countersign', default_icon: { 16: 'icon/16.png', 32: 'icon/32.png' } },
  // The toolbar button opens the side panel, so its command is the panel's keyboard shortcut.
  commands: { _execute_action: { suggested_key: { default: 'Alt+Shift+C' }, description: '__MSG_extension_openPanel__' } },
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
} satisfies UserManifest;

/**
 * Firefox has no debugger, side panel or favicon API (the sidebar stands in for the panel, and
 * WXT turns the side panel entrypoint into `sidebar_action`), and no origin fallback for
 * content scripts (the build hook above). The id lets a profile name the extension (tests give it a fixed UUID).
 */
function firefox(manifest: typeof MANIFEST): UserManifest {
  const chromeOnly = new Set(['sidePanel', 'debugger', 'favicon']);
  return {
    ...manifest,
    permissions: manifest.permissions.filter((permission) => !chromeOnly.has(permission)),
    commands: { _execute_sidebar_action: { suggested_key: { default: 'Alt+Shift+C' }, description: '__MSG_extension_openPanel__' } },
    // Nothing leaves the machine unless the person sets it up.
    browser_specific_settings: { gecko: { id: FIREFOX_ID, strict_min_version: '142.0', data_collection_permissions: { required: ['none'] } } },
  };
}

export const FIREFOX_ID = 'countersign@countersign.dev';
