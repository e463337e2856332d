// The rules that keep faultline's structure, checked with type information. `npm run lint`.
//
// Layers (one line each in docs/architecture.md's layout): shared is pure; platform uses shared only;
// activities use platform, shared and the service's client; workflows use shared and activity
// types only; service uses platform, shared and its workflow; lab uses platform, shared and the
// service's client; worker and cli compose everything. The experiment's contract (signals,
// queries, search attributes) is in shared, so activities and lab reach it without an upward arrow.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const ALL = ['shared', 'platform', 'activities', 'workflows', 'service', 'lab', 'worker', 'cli'];
const others = (...allowed) => ALL.filter((layer) => !allowed.includes(layer)).map((layer) => `./src/${layer}`);
const layer = (target, allowed, except = []) => ({
  target: `./src/${target}`,
  from: others(target, ...allowed),
  ...(except.length ? { except } : {}),
  message: `${target} may import only from ${[target, ...allowed].join(', ')} (see docs/architecture.md, Layout)`,
});

const NODE_BUILTINS = [
  'assert',
  'buffer',
  'child_process',
  'crypto',
  'dns',
  'events',
  'fs',
  'http',
  'https',
  'net',
  'os',
  'path',
  'process',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'worker_threads',
  'zlib',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      '.lab/**',
      'reports/**',
      'test-artifacts/**',
      'scratch/**',
      'schema/**',
      'examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      // no-cycle parses the modules it follows: with the TypeScript parser.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js', '.mjs'],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            layer('shared', []),
            layer('platform', ['shared']),
            layer('activities', ['platform', 'shared'], ['./client']),
            layer('workflows', ['shared', 'activities']),
            layer('service', ['platform', 'shared', 'workflows'], ['./payment']),
            layer('lab', ['platform', 'shared'], ['./client']),
            layer('worker', ['platform', 'shared', 'activities', 'workflows']),
          ],
        },
      ],
      'max-lines': ['error', { max: 250, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Workflow code is deterministic: no Node APIs, and activities by type only.
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: NODE_BUILTINS.flatMap((name) => [
            { name, message: 'workflow code may not use Node APIs (it runs in the deterministic sandbox)' },
            {
              name: `node:${name}`,
              message: 'workflow code may not use Node APIs (it runs in the deterministic sandbox)',
            },
          ]),
          patterns: [
            {
              group: ['**/activities/**', '**/activities'],
              allowTypeImports: true,
              message: 'workflows import activity types only (proxyActivities)',
            },
          ],
        },
      ],
    },
  },
  {
    // The mocha configs (.mocharc.cjs, test/mocha-suites.cjs): CommonJS run by Node.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'max-lines-per-function': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
