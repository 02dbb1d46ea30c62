/**
 * Unit-test setup: load ink once per worker with CI hidden, as the CLI does (src/cli/load-ui.ts).
 * ink decides at load time that CI=true means "draw nothing until exit", which would leave
 * ink-testing-library's frames empty in CI while CI=true must stay set for the other tests.
 * (vitest sets NODE_ENV=test, so React keeps its development checks here.)
 */
import { withUiLoadEnv } from '../../src/cli/load-ui.js';

await withUiLoadEnv(() => import('ink'));
