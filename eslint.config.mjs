// One linter for the whole project. The rules that carry weight:
//  - src/core and src/shared never import 'vscode' (the core runs under plain Node and the CLI);
//  - promises are never left floating (deliberate fire-and-forget is written `void promise`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '.vscode-test/**', 'test-results/**', 'node_modules/**', 'test/fixtures/**', 'bench/corpora/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // A notice without buttons asks nothing: awaiting it stops the flow until the person clears it
    // from the Notification Center, which they may never do. Write `void …notify(…)` instead.
    files: ['src/vscode/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        {
          selector: "AwaitExpression > CallExpression[callee.property.name='notify'][arguments.length<=2]",
          message: 'A notification without buttons is not a question: do not await it (the flow would wait until the person clears it). Write `void …notify(…)`.',
        },
        {
          selector: "AwaitExpression > CallExpression[callee.property.name=/^show(Information|Warning|Error)Message$/][arguments.length<=1]",
          message: 'A notification without buttons is not a question: do not await it (the flow would wait until the person clears it). Write `void vscode.window.show…Message(…)`.',
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The core, the shared protocol and the CLI must not import vscode: add a port in src/core/ports.ts and implement it in src/vscode/.' }],
      }],
    },
  },
);
