// ESLint flat config. Formatting is Prettier's job (.prettierrc.json); eslint-config-prettier,
// last below, turns off every ESLint rule that would disagree with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The Node.js globals that plain-JS scripts may use (no-undef needs them named; TypeScript
// files get theirs from @types/node instead).
const nodeGlobals = {
  AbortController: 'readonly',
  AbortSignal: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  URLSearchParams: 'readonly',
  TextDecoder: 'readonly',
  TextEncoder: 'readonly',
  clearImmediate: 'readonly',
  clearInterval: 'readonly',
  clearTimeout: 'readonly',
  console: 'readonly',
  fetch: 'readonly',
  globalThis: 'readonly',
  process: 'readonly',
  queueMicrotask: 'readonly',
  setImmediate: 'readonly',
  setInterval: 'readonly',
  setTimeout: 'readonly',
  structuredClone: 'readonly',
};

// The project service types each file with the nearest tsconfig.json that includes it. The
// packages' tsconfig.json files only include src/; tests, their helpers, the benchmarks and the
// demo are compiled by tsconfig.test.json, which the service cannot find by name, so those
// files are opened in its default project with tsconfig.test.json's compiler options. A new
// test folder deeper than these globs gets a parsing error naming it: add a glob here.
// (The globs may not use `**`; the service is shared, so these options must be the same
// for every file and are set once below.)
const testFiles = ['packages/*/test/*.ts', 'plugins/*/test/*.ts', 'templates/*/test/*.ts', 'test/*/*.ts', 'test/utils/src/*.ts', 'docs/.vitepress/*.ts'];

export default defineConfig(
  globalIgnores([
    '**/dist/',
    '**/node_modules/',
    '**/fixtures/',
    'docs/.vitepress/cache/',
    'templates/create-lucky-charm/template/',
    '**/*.cjs',
    '**/*.tsbuildinfo',
    '.bench/',
    'coverage/',
  ]),

  // Plain JavaScript: the build scripts under packages/cli/scripts and the ESM bin entries.
  {
    name: 'lucky/javascript',
    files: ['**/*.js', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: nodeGlobals,
    },
  },

  // TypeScript, with type information from each package's tsconfig.json.
  {
    name: 'lucky/typescript',
    files: ['**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: testFiles,
          defaultProject: 'tsconfig.test.json',
          // One default-project file per test file; the default limit (8) is for a few scripts.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 200,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // Type-aware rules that find real bugs.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',

      // The code base's style: `import type { A }` when everything is a type, an inline
      // `type` specifier when values and types mix (verbatimModuleSyntax needs one or the other).
      // `typeof import('yaml')` stays allowed: it types modules that are loaded lazily.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-import-type-side-effects': 'error',

      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],

      // Idioms this code uses on purpose: `interface X extends Y {}` to merge into a module's
      // declarations, `find(...) ?? fail('...')` and `a ? b() : c()` as statements, and
      // regular expressions that match control characters (ANSI escapes, one-line checks).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      'no-control-regex': 'off',
    },
  },

  prettier,
);
