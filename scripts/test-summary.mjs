// Prints vitest's JSON results as one plain closing line: "tests: N passed, N failed, N skipped".
// In CI a skipped integration test is a failure: skipping is only for machines that cannot run them.
import { readFileSync } from 'node:fs';

const results = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const passed = results.numPassedTests;
const failed = results.numFailedTests;
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || passed === 0) process.exit(1);
if (process.env.CI === 'true' && skipped > 0) {
  console.error('CI: skipped tests are not allowed; see the skipped tests above.');
  process.exit(1);
}
