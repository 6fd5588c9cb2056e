// Lint rules of the dashboard. The root config ignores apps/web; this one is run by
// `npm run check -w @mm/web` (and by the root check). The dashboard may import only the shared
// schemas and types (@mm/core) and the pure strategy functions (@mm/strategy) for the grid preview.
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // every workspace package but the two allowed ones (a hand-kept list would miss new packages)
              group: ['@mm/*', '!@mm/core', '!@mm/core/*', '!@mm/strategy', '!@mm/strategy/*'],
              message: 'apps/web may import only @mm/core and @mm/strategy (DESIGN.md): it talks to the server over HTTP and WebSocket.',
            },
            { group: ['../../../packages/*', '../../packages/*'], message: 'Import packages by their @mm/ name.' },
          ],
        },
      ],
    },
  },
  {
    // the browser tests start the real server: they may give its data directory a ready database
    files: ['e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@mm/(?!core(/|$)|strategy(/|$)|storage/test-support/)',
              message: 'The browser tests may import @mm/core, @mm/strategy and the storage test fixtures; the rest they reach over HTTP and WebSocket.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      // money and prices stay decimal strings; floats only where a chart needs numbers
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'Money and prices are decimal strings: use fx from @mm/core (charts: lib/chart-number.ts).' }],
      'no-restricted-properties': ['error', { object: 'Number', property: 'parseFloat', message: 'Money and prices are decimal strings: use fx from @mm/core.' }],
    },
  },
);
