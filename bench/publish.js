'use strict';
/**
 * npm run bench:publish: puts the latest report of npm run bench (bench/results/latest.md) at the top of
 * docs/BENCHMARKS.md, keeping the hand-written "## Notes" section below it. The benchmark itself never writes a
 * tracked file.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const latest = join(ROOT, 'bench', 'results', 'latest.md');
const target = join(ROOT, 'docs', 'BENCHMARKS.md');

let report;
try {
  report = readFileSync(latest, 'utf8');
} catch {
  console.error(`no report at ${latest}: run npm run bench first`);
  process.exit(1);
}
let notes = '';
try {
  const previous = readFileSync(target, 'utf8');
  const at = previous.indexOf('\n## Notes');
  if (at >= 0) notes = previous.slice(at);
} catch {
  // No earlier page: the report alone.
}
writeFileSync(target, `${report.trimEnd()}\n${notes}`);
console.log(`docs/BENCHMARKS.md now shows ${latest}`);
