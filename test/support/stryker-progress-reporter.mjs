// Stryker reporter for npm run test:mutation: appends each mutant's result to reports/mutation/progress.jsonl as soon
// as it is known (one JSON object per line), so that the survivors of a long run can be read, and tests written for
// them, before the run ends.
import fs from 'node:fs';
import path from 'node:path';
import { PluginKind, declareClassPlugin } from '@stryker-mutator/api/plugin';

const file = path.resolve('reports/mutation/progress.jsonl');

class ProgressReporter {
  onDryRunCompleted() {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
  }

  onMutantTested(result) {
    const { id, status, fileName, location, mutatorName, replacement, statusReason } = result;
    const line = {
      id,
      status,
      file: path.relative(process.cwd(), fileName),
      line: location.start.line + 1,
      mutatorName,
      // How many tests cover the mutant, and how many of them ran before it was killed or survived.
      covering: result.coveredBy?.length,
      ran: result.testsCompleted,
    };
    fs.appendFileSync(file, `${JSON.stringify({ ...line, replacement, statusReason })}\n`);
  }
}

export const strykerPlugins = [
  declareClassPlugin(PluginKind.Reporter, 'progress-file', ProgressReporter),
];
