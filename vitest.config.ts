import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['test/unit/**/*.test.ts'],
    setupFiles: ['fake-indexeddb/auto', 'test/unit/setup-i18n.ts'],
  },
});
