// The Jest configuration Stryker runs (`npm run mutate`): the unit tests of functions/core only.
// No integration, e2e or live project, so no database or emulator starts for a mutant.
const { projects, testTimeout } = require('./jest.config.js');

const unit = projects.find((project) => project.displayName === 'unit');

/** @type {import('jest').Config} */
module.exports = {
  ...unit,
  displayName: undefined,
  testTimeout,
  roots: ['<rootDir>/test/functions/core'],
  // Simulated days and long model runs would test each mutant for minutes: the unit and property
  // tests of the guards are what must kill them.
  testPathIgnorePatterns: [
    ...unit.testPathIgnorePatterns,
    '/test/functions/core/failover/(model|flapping)\\.test\\.ts$',
    '/test/functions/core/scaling/simulation/',
  ],
};
