// Mutation testing of the control plane's guards: `npm run mutate` (not part of `npm test`).
// Jest runs only the unit tests of functions/core (jest.stryker.config.js), and for each mutant only
// the tests that covered it in the first run.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.stryker.config.js',
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // The sandbox needs no tsconfig (swc compiles the tests), and Stryker's tsconfig rewrite calls
  // the TypeScript compiler API, which TypeScript 7 does not have.
  ignorePatterns: ['tsconfig.json', 'cdk.out', 'bench/traces', 'reports'],
  // The guards issue 11 holds to 0 surviving mutants: failover's guards and state machine, the
  // scaling cooldowns and the clamp to the bounds, and the health checks' state machine. Scores
  // and run times measured per file are in the README.
  mutate: [
    'functions/core/failover/guards.ts',
    'functions/core/failover/machine.ts',
    'functions/core/scaling/cooldown.ts',
    'functions/core/scaling/limits/cooldown-limit.ts',
    'functions/core/scaling/limits/bounds.ts',
    'functions/core/health/state-machine.ts',
  ],
  // Static code (module-level constants) runs once per test file, not per mutant: testing it would
  // rerun every test for each of its mutants.
  ignoreStatic: true,
  // Log and alert wording is not a guard.
  mutator: { excludedMutations: ['StringLiteral'] },
  thresholds: { high: 95, low: 90, break: 90 },
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  concurrency: 2,
  // Generous: the machines this runs on are shared, and a slow run is not a killed mutant.
  timeoutMS: 60_000,
  timeoutFactor: 3,
};
