// npm run test:mutation (stryker.config.json): the unit and e2e suites only. The other projects start built
// servers or nginx, which mutants of the sources never reach.
const base = require('./jest.config');

module.exports = {
  ...base,
  projects: base.projects.filter((project) => ['unit', 'e2e'].includes(project.displayName)),
};
