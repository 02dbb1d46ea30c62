/**
 * Unit-test setup: load ink once per worker with CI hidden, as the CLI does (src/cli/load-ui.ts).
 * ink decides at load time that CI=true means "draw nothing until exit", which would leave
 * ink-testing-library's frames empty in CI while CI=true must stay set for the other tests.
 */
const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
const saved = names.map((n) => [n, process.env[n]] as const);
for (const n of names) delete process.env[n];
try {
  await import('ink');
} finally {
  for (const [n, v] of saved) if (v !== undefined) process.env[n] = v;
}
