// Unit specs live beside the code (src/**/*.spec.ts); e2e suites in test/ run the whole app on a real database.
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] };
/** The Node 24 run of .ci/run works in a copy of the project under .ci/node24: not part of this one. */
const modulePathIgnorePatterns = ['<rootDir>/.ci/', '<rootDir>/.stryker-tmp/'];

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      // TypeORM keeps its metadata on the global object; Jest's cleanup between files would only warn about it.
      testEnvironmentOptions: { globalsCleanup: 'off' },
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
      modulePathIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      // TypeORM keeps its metadata on the global object; Jest's cleanup between files would only warn about it.
      testEnvironmentOptions: { globalsCleanup: 'off' },
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/check-answers.ts'],
      transform,
      modulePathIgnorePatterns,
    },
    {
      // The built server (dist/main.js) in its own processes: npm run test:process builds it first.
      displayName: 'process',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/process/**/*.process-spec.ts'],
      transform,
      modulePathIgnorePatterns,
    },
    {
      // The built operator CLI (dist/cli.js) in its own processes, on a real database: npm run test:cli builds it
      // first.
      displayName: 'cli',
      testEnvironment: 'node',
      testEnvironmentOptions: { globalsCleanup: 'off' },
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/cli/**/*.cli-spec.ts'],
      transform,
      modulePathIgnorePatterns,
    },
    {
      // Debian's nginx in front of the app (forward-auth): npm run test:gateway.
      displayName: 'gateway',
      testEnvironment: 'node',
      testEnvironmentOptions: { globalsCleanup: 'off' },
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/gateway/**/*.gateway-spec.ts'],
      transform,
      modulePathIgnorePatterns,
    },
    {
      // Built servers in their own processes on PostgreSQL and Redis, behind nginx: npm run test:cluster.
      displayName: 'cluster',
      testEnvironment: 'node',
      testEnvironmentOptions: { globalsCleanup: 'off' },
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
      transform,
      modulePathIgnorePatterns,
    },
    {
      displayName: 'browser',
      testEnvironment: 'node',
      testEnvironmentOptions: { globalsCleanup: 'off' },
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
      transform,
      modulePathIgnorePatterns,
    },
  ],
};
