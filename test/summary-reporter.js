// Prints jest's totals as one plain line, `N passed, N failed, N skipped`, and keeps it in .jest-summary so
// .ci/run can end with it after the synth and lint steps.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    const line = `${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.stdout.write(`\n${line}`);
    writeFileSync('.jest-summary', line);
  }
}
module.exports = SummaryReporter;
