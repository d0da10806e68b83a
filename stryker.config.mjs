// Mutation testing of the control plane's guards: `npm run mutate` (not part of `npm test`).
// Jest runs the unit tests of functions/core; Stryker runs only the tests that cover each mutant.
import jestConfig from './jest.config.js';

const unit = jestConfig.projects.find((project) => project.displayName === 'unit');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    config: {
      ...unit,
      displayName: undefined,
      roots: ['<rootDir>/test/functions/core'],
      // Simulated days and long model runs would test each mutant for minutes: the unit and
      // property tests of the guards are what must kill them.
      testPathIgnorePatterns: [
        ...unit.testPathIgnorePatterns,
        '/test/functions/core/failover/(model|flapping)\\.test\\.ts$',
        '/test/functions/core/scaling/simulation/',
      ],
    },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // The sandbox needs no tsconfig (swc compiles the tests), and Stryker's tsconfig rewrite calls
  // the TypeScript compiler API, which TypeScript 7 does not have.
  ignorePatterns: ['tsconfig.json', 'cdk.out', 'bench/traces', 'reports'],
  mutate: [
    // Failover: the guards, the state machine and the evidence it acts on.
    'functions/core/failover/guards.ts',
    'functions/core/failover/machine.ts',
    'functions/core/failover/evidence.ts',
    'functions/core/failover/automatic.ts',
    // Scaling: cooldowns, stabilisation and rate limits, the bounds and where they clamp.
    'functions/core/scaling/cooldown.ts',
    'functions/core/scaling/behaviour.ts',
    'functions/core/scaling/scheduled.ts',
    // Health: thresholds and flapping, and the rounds on wall-clock ticks.
    'functions/core/health/state-machine.ts',
    'functions/core/health/rounds.ts',
  ],
  // Log and alert wording is not a guard.
  ignoreStatic: true,
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
