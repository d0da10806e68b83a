/** @type {import('jest').Config} */
const transform = {
  '^.+\\.(t|j|mj)sx?$': [
    '@swc/jest',
    { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
  ],
};
// middy ships ESM only: let swc turn it into CommonJS for jest.
const transformIgnorePatterns = ['/node_modules/(?!(@middy)/)'];
const common = {
  transform,
  transformIgnorePatterns,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // The repository's own code and tests run the packages' sources, as tsconfig.json's `paths` does;
  // test/packages/consumer.test.ts installs their built tarballs instead.
  moduleNameMapper: { '^@misybot-ha/(balancing|cache|metrics)$': '<rootDir>/packages/$1/src/index.ts' },
};

module.exports = {
  // A per-project testTimeout is ignored by jest (jestjs/jest#9759): the budget is set here for all
  // projects. It bounds a hung test; it is not a timing assertion (the machines share 2 cores).
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: [
        '/node_modules/',
        '<rootDir>/test/integration/',
        '<rootDir>/test/e2e/',
        '<rootDir>/test/live/',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/harness/global-teardown.ts',
    },
    {
      ...common,
      // The synthesized platform against an emulated AWS account: see test/e2e/README.md.
      displayName: 'e2e',
      roots: ['<rootDir>/test/e2e'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/harness/timeout.ts'],
      testMatch: ['**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/harness/global-teardown.ts',
    },
    {
      ...common,
      // `npm start` as a user meets it: the live control plane and its status page in chromium.
      displayName: 'live',
      roots: ['<rootDir>/test/live'],
      testMatch: ['**/*.test.ts'],
    },
  ],
};
