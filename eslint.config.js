// Lint rules, including the dependency direction of DESIGN.md:
//   core ← exchange ← exchange-*;  core ← pricing, strategy, risk ← engine ← apps/server
//   core ← market-data ← exchange-sim (recorded markets), apps/server (recorder, importers)
// A strategy or risk module can never import a venue package.
import tseslint from 'typescript-eslint';

const ALL = ['core', 'exchange', 'exchange-sim', 'exchange-asterdex', 'exchange-bitmart', 'exchange-ccxt', 'pricing', 'strategy', 'risk', 'engine', 'storage', 'notify', 'market-data'];

/** Which workspace packages each package may import. */
const ALLOWED = {
  core: [],
  exchange: ['core'],
  'exchange-sim': ['core', 'exchange', 'market-data'],
  'exchange-asterdex': ['core', 'exchange'],
  'exchange-bitmart': ['core', 'exchange'],
  'exchange-ccxt': ['core', 'exchange'],
  pricing: ['core'],
  strategy: ['core'],
  risk: ['core'],
  engine: ['core', 'exchange', 'pricing', 'strategy', 'risk'],
  storage: ['core'],
  notify: ['core'],
  'market-data': ['core'],
};

function importRule(allowed, why) {
  const forbidden = ALL.filter((p) => !allowed.includes(p));
  return {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { group: forbidden.map((p) => `@mm/${p}`).concat(forbidden.map((p) => `@mm/${p}/*`)), message: why },
          { group: ['../../*/src/*', '../../../packages/*'], message: 'Import other packages by their @mm/ name, not by relative path.' },
        ],
      },
    ],
  };
}

const packageBlocks = Object.entries(ALLOWED).map(([name, allowed]) => ({
  files: [`packages/${name}/src/**/*.ts`],
  ignores: ['**/*.test.ts'],
  rules: importRule(allowed, `packages/${name} may import only: ${allowed.length ? allowed.map((p) => '@mm/' + p).join(', ') : 'nothing from the workspace'} (DESIGN.md dependency direction).`),
}));

// Venue test support and tests may also use the simulated exchange (mock servers match with it).
const venueTestBlocks = ['exchange-asterdex', 'exchange-bitmart', 'exchange'].map((name) => ({
  files: [`packages/${name}/test-support/**/*.ts`, `packages/${name}/src/**/*.test.ts`],
  rules: importRule([...ALLOWED[name], 'exchange', 'exchange-sim'], `tests of ${name} may use core, exchange and exchange-sim only.`),
}));
// The ccxt adapter is tested against the Asterdex mock's spot API (a real Binance-style protocol).
venueTestBlocks.push({
  files: ['packages/exchange-ccxt/test-support/**/*.ts', 'packages/exchange-ccxt/src/**/*.test.ts'],
  rules: importRule(['core', 'exchange', 'exchange-sim', 'exchange-asterdex'], 'tests of exchange-ccxt may use core, exchange, exchange-sim and the Asterdex mock only.'),
});

const deterministic = ['core', 'exchange-sim', 'pricing', 'strategy', 'risk', 'engine'].map((p) => `packages/${p}/src/**/*.ts`);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'apps/web/**', 'test-output/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'off',
    },
  },
  ...packageBlocks,
  ...venueTestBlocks,
  {
    files: deterministic,
    ignores: ['**/*.test.ts', 'packages/core/src/clock.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Read time from the injected Clock.' },
        { object: 'Math', property: 'random', message: 'Use the seeded Rng.' },
      ],
      'no-console': 'error',
    },
  },
);
