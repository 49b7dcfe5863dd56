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
      line: location.start.line,
      mutatorName,
      // How many tests cover the mutant, and how many of them ran before it was killed or survived.
      covering: result.coveredBy?.length,
      ran: result.testsCompleted,
    };
    // A survivor's covering tests by name: the tests the run chose for it, to compare with the tests that kill it
    // when it is applied by hand.
    const coveredBy = status === 'Survived' ? result.coveredBy : undefined;
    fs.appendFileSync(
      file,
      `${JSON.stringify({ ...line, replacement, statusReason, coveredBy })}\n`,
    );
  }
}

export const strykerPlugins = [
  declareClassPlugin(PluginKind.Reporter, 'progress-file', ProgressReporter),
];
