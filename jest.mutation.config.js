// npm run test:mutation (stryker.config.json): the unit and e2e suites only. The other projects start built
// servers or nginx, which mutants of the sources never reach.
const path = require('node:path');
const base = require('./jest.config');

const environment = path.join(__dirname, 'test/support/mutation-environment.js');

module.exports = {
  ...base,
  // Each mutant's run loads only the test files that hold tests covering it (see the sequencer).
  testSequencer: path.join(__dirname, 'test/support/mutation-sequencer.js'),
  // A mutant that makes a request hang fails its test after 20 s instead of 60 s.
  testTimeout: 20000,
  // Stryker puts its own environment in place of the projects' and loads this one (the top level's) inside it.
  testEnvironment: environment,
  projects: base.projects
    .filter((project) => ['unit', 'e2e'].includes(project.displayName))
    // Stops a run at its first failure (Stryker cannot ask Jest to bail): see the environment.
    .map((project) => ({ ...project, testEnvironment: environment })),
};
