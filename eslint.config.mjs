import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import { builtinModules } from 'node:module';

/** The Electron shell: the only files that may import electron. */
const SHELL_FILES = ['src/main/index.ts', 'src/main/secureWindow.ts', 'src/main/statusTray.ts', 'src/preload/**'];
const ELECTRON_ONLY_IN_SHELL = {
  name: 'electron',
  message:
    'Only the Electron shell (src/main/index.ts, secureWindow.ts, statusTray.ts, src/preload) may import electron.',
};

/** The folders the code is made of; the boundaries rule below says which may use which. */
const ELEMENTS = [
  { type: 'preload', pattern: 'src/preload/**' },
  { type: 'renderer', pattern: 'src/renderer/**' },
  { type: 'shared', pattern: 'src/shared/**' },
  { type: 'whatsapp', pattern: 'src/whatsapp/**' },
  { type: 'desk', pattern: 'src/main/**' },
  { type: 'relay', pattern: 'src/relay/**' },
  { type: 'e2e', pattern: 'e2e/**' },
  { type: 'tooling', pattern: ['sim/**', 'scripts/**', 'bench/**', 'fixtures/**', 'deploy/**'] },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': ELEMENTS,
      'boundaries/include': ['src/**', 'e2e/**', 'sim/**', 'scripts/**', 'bench/**', 'fixtures/**', 'deploy/**'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              // The page runs sandboxed: only its own code and the pure shared code, no Node.
              from: { element: { type: 'renderer' } },
              disallow: {
                to: { element: { types: { anyOf: ['preload', 'desk', 'whatsapp', 'relay', 'e2e', 'tooling'] } } },
              },
            },
            {
              // Shared code is pure: no Node, no Electron, no I/O layers.
              from: { element: { type: 'shared' } },
              disallow: {
                to: {
                  element: { types: { anyOf: ['preload', 'desk', 'whatsapp', 'relay', 'renderer', 'e2e', 'tooling'] } },
                },
              },
            },
            {
              from: { element: { type: '!e2e' } },
              disallow: { to: { element: { type: 'e2e' } } },
            },
          ],
        },
      ],
    },
  },
  {
    // Electron is the shell's business; everything else runs in plain Node or a browser.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: SHELL_FILES,
    rules: { 'no-restricted-imports': ['error', { paths: [ELECTRON_ONLY_IN_SHELL] }] },
  },
  {
    // The page runs sandboxed, with no Node, and shared code runs in the page too: no Node modules in either.
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx', 'src/shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ELECTRON_ONLY_IN_SHELL,
            ...builtinModules.map((name) => ({
              name,
              message: 'The renderer has no Node: use browser APIs or ask main over IPC.',
            })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer has no Node: use browser APIs or ask main over IPC.' },
          ],
        },
      ],
    },
  },
  {
    // Tests reshape fixture JSON freely to build broken payloads, and may use Node to drive what they test.
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/shared/**/*.test.ts', 'src/renderer/**/*.test.ts'],
    rules: { 'boundaries/dependencies': 'off' },
  },
  {
    files: ['src/renderer/**/*.tsx', 'src/renderer/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
);
