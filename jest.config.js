// Two projects so `npm test` runs everything while unit and e2e can run alone.
// swc transpiles file by file, several times faster than ts-jest; npm test runs
// tsc --noEmit first for the type checking. Nest's dependency injection reads
// the constructor types that decoratorMetadata emits, so both flags are needed.
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        target: 'es2022',
        keepClassNames: true,
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

module.exports = {
  // e2e suites start gateways and spawn the CLI; on a busy 2-core machine 5 s is too tight.
  // (Jest 29 reads testTimeout only here, not per project.)
  testTimeout: 20_000,
  // The last line of every run names the suites that were skipped and how to enable them.
  reporters: ['default', '<rootDir>/test/support/skip-summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/src', '<rootDir>/test/unit'],
      testMatch: ['**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/build-once.js',
    },
  ],
};
