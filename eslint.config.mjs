import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importPlugin from 'eslint-plugin-import';

// Imports point down (docs/architecture.md, "Layers"): each layer may import the ones before it,
// never one after it. Layers in one entry are peers.
const LAYERS = [
  ['shared'],
  ['coordinator/model'],
  ['coordinator/config'],
  ['coordinator/inventory'],
  [
    'coordinator/state',
    'coordinator/pki',
    'coordinator/tokens',
    'coordinator/registry',
    'coordinator/commands',
    'coordinator/nats',
    'coordinator/precheck',
    'coordinator/init',
    'coordinator/runs',
  ],
  ['coordinator/phases'],
  ['coordinator/server'],
  ['coordinator/serve'],
  ['coordinator/cli'],
];

const layerZones = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return above.length === 0
    ? []
    : layer.map((target) => ({
        target: `./${target}`,
        from: above.map((p) => `./${p}`),
        message: `${target} is below these in docs/architecture.md's layers: move the shared piece down, or pass it in.`,
      }));
});

const boundaryZones = [
  ...layerZones,
  // The agent and the coordinator share only shared/.
  { target: './agent', from: './coordinator', message: 'the agent shares code with the coordinator only through shared/.' },
  { target: ['./shared', './coordinator'], from: './agent', message: "agent/ is the agent's own: move what both need into shared/." },
  // Operator commands must not load the server's code (docs/design.md: the operator bundle);
  // only `serve` itself starts the coordinator.
  {
    target: './coordinator/cli',
    from: './coordinator/serve',
    except: ['./serve.ts'],
    message: 'the CLI reaches the coordinator through its admin API (coordinator/state/admin-access.ts has the data-dir contract).',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'shared/proto/generated/**', '.testbed/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Typed rules: a promise nobody awaits loses its error (an unhandled rejection ends the
    // process), a promise where a callback's void is expected is never awaited, and a switch over
    // a union must name every member or say `default`.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test() returns a promise the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    files: ['shared/**/*.ts', 'coordinator/**/*.ts', 'agent/**/*.ts'],
    plugins: { import: importPlugin },
    settings: { 'import/resolver': { node: { extensions: ['.ts', '.mjs', '.js'] } } },
    rules: { 'import/no-restricted-paths': ['error', { zones: boundaryZones }] },
  },
);
