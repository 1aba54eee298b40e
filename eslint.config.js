import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'loadtest/k6/**', 'coverage/**'] },
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
          message: 'Use createRedisClient (gateway/redis/redis-client.ts): every client needs an error listener.',
        },
        {
          selector: "CallExpression[callee.property.name='duplicate'][arguments.length=0]",
          message: 'Use duplicateRedisClient (gateway/redis/redis-client.ts): a duplicate does not inherit the error listener.',
        },
      ],
    },
  },
  { files: ['gateway/redis/redis-client.ts'], rules: { 'no-restricted-syntax': 'off' } },
);
