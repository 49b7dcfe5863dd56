// Test sequencer for npm run test:mutation (jest.mutation.config.js). For each mutant, Stryker runs Jest with a
// --testNamePattern naming only the tests that cover the mutant, but Jest still loads every test file and its whole
// import graph to find out that most of them have nothing to run: seconds per mutant. This sequencer drops, before
// Jest loads them, the files none of whose top-level `describe` titles start a name in the pattern.
//
// Titles are read from the source: string literals, `X.name` (the class or function name) and template literals made
// of those. A file with a title it cannot read, or with tests outside any `describe`, is always kept, so a mistake
// here only costs time: it never drops a test that covers the mutant. The files kept run the cheapest first.
const fs = require('node:fs');
const { default: Sequencer } = require('@jest/test-sequencer');
const { FAILED } = require('./mutation-environment');

const escapeRegExp = (text) => text.replace(/[.*+\-?^${}()|[\]\\]/g, '\\$&');

/** The top-level describe titles of a test file, or undefined when the file must always run. */
function topLevelTitles(source) {
  if (/^(it|test)(\.\w+)?\(/m.test(source)) return undefined;
  const titles = [];
  const describe =
    /^describe(?:\.\w+)?\(\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`|\w+\.name)?/gm;
  for (const match of source.matchAll(describe)) {
    const title = match[1] === undefined ? undefined : readTitle(match[1]);
    if (title === undefined) return undefined;
    titles.push(title);
  }
  return titles.length > 0 ? titles : undefined;
}

function readTitle(expression) {
  const literal = /^(['"])(.*)\1$/.exec(expression);
  if (literal) return literal[2].replace(/\\(.)/g, '$1');
  const name = /^(\w+)\.name$/.exec(expression);
  if (name) return name[1];
  const template = /^`(.*)`$/.exec(expression);
  if (template) {
    const text = template[1].replace(/\$\{(\w+)\.name\}/g, '$1');
    return text.includes('${') ? undefined : text;
  }
  return undefined;
}

/** Titles by test file: read once per process, not once per mutant. */
const titlesByPath = new Map();
function titlesOf(path) {
  if (!titlesByPath.has(path))
    titlesByPath.set(path, topLevelTitles(fs.readFileSync(path, 'utf8')));
  return titlesByPath.get(path);
}

const isUnit = (test) => test.path.endsWith('.spec.ts');

module.exports = class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.pattern = options.globalConfig.testNamePattern;
  }

  async sort(tests) {
    // A new run: no test has failed yet (see mutation-environment.js).
    process[FAILED] = false;
    const sorted = await super.sort(tests);
    if (!this.pattern) return sorted;
    const kept = sorted.filter((test) => {
      const titles = titlesOf(test.path);
      return (
        titles === undefined ||
        titles.some((title) => this.pattern.includes(`(${escapeRegExp(title)} `))
      );
    });
    // Jest stops at the first failing file (bail): unit specs first, then the suites from the quickest (Jest's
    // default order is the slowest first), so that a killed mutant is found as soon as possible.
    const order = (kept.length > 0 ? kept : sorted).reverse();
    return [...order.filter((test) => isUnit(test)), ...order.filter((test) => !isUnit(test))];
  }
};
