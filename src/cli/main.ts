#!/usr/bin/env node
/**
 * sysfleet's executable. `npm run build` bundles the command line (src/cli/program.ts and all it
 * imports but ssh2 and the terminal UI) into dist/cli/program.bundle.js (scripts/bundle-cli.mjs):
 * one file to load instead of ~250 modules to find, open and compile, on every invocation. Without
 * the bundle (a partial build) the modules load one by one, with the same behaviour.
 *
 * Start-up is paid on every cron run and every `--help`: `--version` alone answers without the
 * bundle (it is most of the ~45 ms sysfleet adds to Node's own start), and on Node ≥ 22.1 the
 * compiled code is cached (module.enableCompileCache) in a directory of this user's, never a
 * shared one: code read back from a cache others can write would run as this user (often root).
 */
import { existsSync, mkdirSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Program = typeof import('./program.js');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  enableCompileCache();
  const bundle = new URL('./program.bundle.js', import.meta.url);
  const program: Program = existsSync(fileURLToPath(bundle))
    ? ((await import(bundle.href)) as Program)
    : await import('./program.js');
  await program.runCli();
}

function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: (dir?: string) => unknown })
    .enableCompileCache;
  if (!enable || process.env['NODE_DISABLE_COMPILE_CACHE']) return;
  try {
    // NODE_COMPILE_CACHE, when set, is the operator's choice: Node uses it.
    if (process.env['NODE_COMPILE_CACHE']) return void enable();
    const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
    const dir = join(base, 'sysfleet', 'node-compile-cache');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    enable(dir);
  } catch {
    // an optimisation only: a read-only home just starts slower
  }
}
