import js from '@eslint/js';
import globals from 'globals';
import { fileURLToPath } from 'node:url';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The module table of docs/ARCHITECTURE.md: which lib area may import which. Each area may
 * import only areas listed before it, so the areas form no cycle.
 */
const LIB_IMPORTS = {
  actions: [],
  detect: ['actions'],
  policy: ['actions'],
  db: ['actions', 'detect', 'policy'],
  history: ['actions', 'db'],
  export: ['db', 'history'],
  messaging: ['actions', 'detect', 'db', 'policy'],
  intercept: ['actions', 'detect'],
  team: ['actions', 'db', 'export', 'messaging'],
  broker: ['actions', 'agent', 'detect', 'db', 'history', 'messaging', 'policy', 'team'],
  agent: ['actions', 'messaging'],
  audit: ['actions', 'broker', 'db', 'team'],
  desk: ['actions', 'broker', 'db', 'messaging', 'team'],
};
/** What runs in every frame: framework-free, and only the message types from messaging. */
const CONTENT_SIDE = ['actions', 'detect', 'intercept'];
const PAGE_DATA_AS_TEXT = [
  { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render page data as text.' },
  { selector: "AssignmentExpression[left.property.name=/^(innerHTML|outerHTML)$/]", message: 'Render page data as text.' },
];
const element = (type, areas) => ({ element: areas ? { type, captured: { area: areas } } : { type } });
const onlyTypes = { kind: 'type' };

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
      'no-restricted-syntax': ['error', ...PAGE_DATA_AS_TEXT],
    },
  },
  {
    // Type-aware: a promise nobody awaits loses its errors; a switch over a union must
    // name every member, so adding one shows every place that must decide about it.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Where a decision is made (the broker, the interceptor, team review, the desk), a `!`
    // would stand in for a check: the gate narrows the record it lets through instead.
    files: ['lib/broker/**', 'lib/intercept/**', 'lib/team/**', 'lib/desk/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    files: ['entrypoints/**', 'desk/**', 'components/**', 'lib/**'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { [fileURLToPath(new URL('./scripts/eslint-resolver.cjs', import.meta.url))]: {} },
      'boundaries/elements': [
        { type: 'entry', pattern: 'entrypoints' },
        // The reviewer desk's page: an entry point of its own, outside the extension.
        { type: 'entry', pattern: 'desk' },
        { type: 'components', pattern: 'components' },
        { type: 'lib', pattern: 'lib/*', capture: ['area'] },
      ],
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: 'Not in the module table of docs/ARCHITECTURE.md',
          policies: [
            { from: element('entry'), allow: [{ to: element('entry') }, { to: element('components') }, { to: element('lib') }] },
            {
              from: element('components'),
              allow: [{ to: element('components') }, { to: element('lib', ['actions', 'detect', 'policy', 'db', 'history', 'export', 'messaging', 'team', 'desk']) }],
            },
            ...Object.entries(LIB_IMPORTS).map(([area, allowed]) => ({
              from: element('lib', [area]),
              allow: { to: element('lib', [area, ...allowed]) },
            })),
            // The panel's replies describe team review; the team's code checks its messages with messaging's schemas.
            { from: element('lib', ['messaging']), allow: { to: element('lib', ['team']), dependency: onlyTypes } },
            ...CONTENT_SIDE.map((area) => ({
              from: element('lib', [area]),
              allow: { to: element('lib', ['messaging']), dependency: onlyTypes },
            })),
          ],
        },
      ],
    },
  },
  {
    // The content scripts run in every frame: no framework, no library, and from the rest of
    // the extension only the content-side areas and the message types.
    files: ['entrypoints/*.content.ts', 'entrypoints/interceptor.ts', ...CONTENT_SIDE.map((area) => `lib/${area}/**`)],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['react', 'react-dom', 'idb', 'valibot', '@simplewebauthn/*', '@/components/*'],
              message: 'Content scripts stay framework-free.',
            },
            {
              group: ['@/lib/*/*', ...CONTENT_SIDE.map((area) => `!@/lib/${area}/*`), '!@/lib/messaging/*'],
              message: 'Content scripts import only lib/actions, lib/detect and lib/intercept.',
            },
            { group: ['@/lib/messaging/*'], allowTypeImports: true, message: 'Content scripts import message types only.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...PAGE_DATA_AS_TEXT,
        {
          // A unit test hands the interceptor a window of its own: classes come from it, or from the node (lib/actions/realm.ts).
          selector: "BinaryExpression[operator='instanceof'][right.type='Identifier'][right.name=/^(Node|Element|Document|ShadowRoot|HTML\\w*Element|\\w*Event)$/]",
          message: "Take DOM classes from the frame's window (win.Element) or the node's (is(node, 'HTMLInputElement')).",
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**', 'scripts/**', '*.config.*', 'desk/vite.config.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-syntax': 'off' },
  },
);
