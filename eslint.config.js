// Lint rules that hold the architecture in place (see ../shared/ARCHITECTURE.md):
// the core knows nothing of the terminal, and the pure stages do no I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const uiLibraries = ['ink', 'ink-*', 'react', 'react/*'];
const ioModules = [
  'fs',
  'fs/*',
  'node:fs',
  'node:fs/*',
  'child_process',
  'node:child_process',
  'net',
  'node:net',
  'ssh2',
  'http',
  'node:http',
  'https',
  'node:https',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'test/fixtures/', 'src/**/*.gen.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: uiLibraries,
              message:
                'Only src/ui and src/cli may import ink or react: the core knows nothing of the terminal.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain Node scripts (build and CI helpers) run outside TypeScript.
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['src/ui/**', 'src/cli/**', 'test/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The commands parse, call the orchestrator and render: the on-host transactions and the run
    // store are reached through src/run (docs/architecture.md).
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../apply/*', '../apply'],
              message:
                'cli/ talks to run/: reach apply/ through src/run (apply-run, rollback-run, store).',
            },
          ],
        },
      ],
    },
  },
  {
    // The on-host transactions come before the orchestrator: run/ calls apply/, never back.
    files: ['src/apply/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: uiLibraries, message: 'The core knows nothing of the terminal.' },
            {
              group: ['../run/*', '../../run/*', '../cli/*', '../ui/*'],
              message: 'apply/ comes before run/, cli/ and ui/: they import it, not the reverse.',
            },
          ],
        },
      ],
    },
  },
  {
    // Pure stages: planning, inventory/playbook/ssh_config parsing and reporting are functions
    // of data. Only the loaders (load*.ts) and parse/files.ts read files.
    files: [
      'src/plan/**/*.ts',
      'src/report/**/*.ts',
      'src/inventory/**/*.ts',
      'src/playbook/**/*.ts',
      'src/connection/**/*.ts',
      'src/sysctl/**/*.ts',
      'src/parse/**/*.ts',
      'src/shard/**/*.ts',
    ],
    ignores: ['**/*.test.ts', 'src/*/load*.ts', 'src/parse/files.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: uiLibraries, message: 'The core knows nothing of the terminal.' },
            {
              group: ioModules,
              message:
                'plan/, report/, shard/ and the parsers are pure: do I/O at the edges (src/cli, src/run, src/*/load*.ts).',
            },
          ],
        },
      ],
    },
  },
);
