// Test environment for npm run test:mutation (jest.mutation.config.js): Jest's node environment, plus the bail that
// Stryker turns off (Jest has no bail when started from code). Once a test has failed in a run, the mutant is
// killed: the tests left in that file, and every file after it, are skipped (their afterAll hooks still run, so
// apps and servers close). The flag lives on the process, which runs the whole run's files one after the other;
// the sequencer clears it when the next run starts.
const { TestEnvironment } = require('jest-environment-node');

const FAILED = Symbol.for('portcullis.mutation.failed');

/** Marks every test not yet run, but the one failing now, and every describe block not yet started, skipped. */
function skipRemaining(block, failing) {
  for (const child of block.children) {
    // A block already running decided at its start whether it is skipped: its afterAll hooks still run.
    if (child.type === 'describeBlock') {
      child.mode = 'skip';
      skipRemaining(child, failing);
    } else if (!child.status && child !== failing) {
      child.mode = 'skip';
    }
  }
}

module.exports = class MutationEnvironment extends TestEnvironment {
  handleTestEvent(event, state) {
    if (event.name === 'test_fn_failure') {
      process[FAILED] = true;
      skipRemaining(state.rootDescribeBlock, event.test);
    }
    // A failed beforeAll fails its block's tests as they come: skipping them would hide the failure.
    if (event.name === 'hook_failure') process[FAILED] = true;
    if (event.name === 'run_start' && process[FAILED]) skipRemaining(state.rootDescribeBlock);
  }
};

module.exports.FAILED = FAILED;
