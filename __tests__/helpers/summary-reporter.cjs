// Prints the plain closing line CI reads: "tests: N passed, N failed, N skipped". A suite that failed to run (a
// syntax error, a failing import, a global setup that throws) has no failed test of its own: it is counted and said,
// so the line never reads "0 failed" for a red run.
function closingLine(results) {
  const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
  const suites = results.numRuntimeErrorTestSuites ?? 0;
  const failed = numFailedTests + suites;
  const note = suites > 0 ? ` (${suites} suite${suites === 1 ? '' : 's'} failed to run)` : '';
  return `tests: ${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped${note}`;
}

class SummaryReporter {
  onRunComplete(_contexts, results) {
    process.stdout.write(`\n${closingLine(results)}\n`);
  }
}
SummaryReporter.closingLine = closingLine;
module.exports = SummaryReporter;
