import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.output/', '.wxt/', 'node_modules/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.webextensions },
    },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Page text is data: nothing from a page may become HTML in an extension page.
      'no-restricted-syntax': [
        'error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render page data as text.' },
        { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'Render page data as text.' },
      ],
    },
  },
  {
    // The content scripts run in every frame: no React, no idb, no broker in them.
    files: ['entrypoints/*.content.ts', 'entrypoints/interceptor.ts', 'lib/intercept/**', 'lib/actions/**', 'lib/detect/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['react', 'react-dom', 'idb', '@/lib/broker/*', '@/lib/db/*', '@/components/*'] },
      ],
    },
  },
  {
    files: ['test/**', 'scripts/**', '*.config.*'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-syntax': 'off' },
  },
);
