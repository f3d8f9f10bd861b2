// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** `no-restricted-imports` for the files of a layer (one entry per layer: a later one would replace it). */
function layer(files, ignores, patterns) {
  return { files: [files], ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } };
}

/** The modules at the top of src/: the library's face and the worker. */
const UPPER_ENTRIES = ['../client', '../../client', '../worker*', '../../worker*', '../index', '../../index'];

function forbid(group, message) {
  return { group, message };
}

export default tseslint.config(
  {
    // dist/: `npm run build`'s output; test/package/consumer: checked against the installed package.
    ignores: [
      'lib/**',
      'dist/**',
      'test/package/consumer/**',
      'node_modules/**',
      '.temporal/**',
      '.local/**',
      'coverage/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Layers: dependencies point one way. common ← api ← emulator; api ← workflows ← activities ←
  // lifecycle ← cli (entry points). Nothing but the CLI's own modules imports src/cli.
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  layer(
    'src/**/*.ts',
    ['src/cli/**'],
    [forbid(['**/cli', '**/cli/**'], 'Only entry points import the CLI.')],
  ),
  layer(
    'src/common/**/*.ts',
    [],
    [
      forbid(
        ['../*', '!../common', '!../common/**'],
        'src/common is imported by every layer and imports none.',
      ),
    ],
  ),
  layer(
    'src/api/**/*.ts',
    [],
    [
      forbid(
        [
          '**/workflows/**',
          '**/activities/**',
          '**/lifecycle/**',
          '**/cli/**',
          '**/emulator/**',
          ...UPPER_ENTRIES,
        ],
        'The API client knows nothing of Temporal, workflows or the emulator.',
      ),
    ],
  ),
  layer(
    'src/emulator/**/*.ts',
    [],
    [
      forbid(
        ['**/workflows/**', '**/activities/**', '**/lifecycle/**', '**/cli/**', ...UPPER_ENTRIES],
        "The emulator is the API's test double: it imports the API's rules, nothing above them.",
      ),
    ],
  ),
  // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O, nothing above it.
  layer(
    'src/workflows/**/*.ts',
    [],
    [
      forbid(
        ['node:*', 'fs', 'http', 'https', 'net', 'child_process', 'undici'],
        'Workflows must not do I/O.',
      ),
      {
        regex: '(^|/)activities(/|$)|/api(/index|/client|/transport)?$',
        message: 'Workflows import activity and client code as types only.',
        allowTypeImports: true,
      },
      forbid(
        ['**/lifecycle/**', '**/cli/**', '**/codec/**', '**/temporal/**', '**/emulator/**', ...UPPER_ENTRIES],
        "Workflows import only the API's rules and types, src/common and each other.",
      ),
    ],
  ),
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['scripts/**/*.js', 'jest.config.js', 'jest.cluster.config.js', 'jest.unit.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
