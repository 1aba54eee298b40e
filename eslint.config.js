import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import patterns that reach into a top-level folder, however many `../` lead there. */
const folder = (name) => [`**/${name}`, `**/${name}/**`];

/** Test code: tests, testing helpers, the fault tests. Product code never imports it. */
const testCode = ['**/*.test.ts', '**/testing/**', 'gateway/faults/**'];
const testHelpers = { group: ['**/testing/**', '**/faults/**'], message: 'test helpers are for tests only (ARCHITECTURE.md, "Layout")' };

/**
 * Which folder may import which (ARCHITECTURE.md, "Layout"): core/ imports no app, workers/
 * import only core/, and the two apps never import each other; the CLI (gateway/cli/) is the one
 * place that wires both apps, so it alone may import admin/. A later config object replaces an
 * earlier one's rule options, so product files get one object with both lists.
 */
function importsForbidden(files, forbidden, ignores = []) {
  const folders = forbidden.map((name) => ({ group: folder(name), message: `${files[0].split('/')[0]}/ may not import ${name}/ (ARCHITECTURE.md, "Layout")` }));
  return [
    { files, ignores, rules: { 'no-restricted-imports': ['error', { patterns: folders }] } },
    { files, ignores: [...ignores, ...testCode], rules: { 'no-restricted-imports': ['error', { patterns: [...folders, testHelpers] }] } },
  ];
}

export const importBoundaries = [
  ...importsForbidden(['core/**'], ['gateway', 'admin', 'workers', 'loadtest']),
  ...importsForbidden(['workers/**'], ['gateway', 'admin', 'loadtest']),
  ...importsForbidden(['gateway/**'], ['admin', 'loadtest'], ['gateway/cli/**']),
  ...importsForbidden(['gateway/cli/**'], ['loadtest']),
  ...importsForbidden(['admin/**'], ['gateway', 'workers', 'loadtest']),
  ...importsForbidden(['config/**'], ['core', 'gateway', 'admin', 'workers', 'loadtest']),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'loadtest/k6/**/*.js', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Redis']",
          message: 'Use createRedisClient (core/redis/redis-client.ts): every client needs an error listener.',
        },
        {
          selector: "CallExpression[callee.property.name='duplicate'][arguments.length=0]",
          message: 'Use duplicateRedisClient (core/redis/redis-client.ts): a duplicate does not inherit the error listener.',
        },
      ],
    },
  },
  { files: ['core/redis/redis-client.ts'], rules: { 'no-restricted-syntax': 'off' } },
  // the admin console's own browser script (served as is, no build step)
  { files: ['admin/static/**/*.js'], languageOptions: { globals: { document: 'readonly', HTMLInputElement: 'readonly', HTMLTextAreaElement: 'readonly', HTMLSelectElement: 'readonly' } } },
  ...importBoundaries,
);
