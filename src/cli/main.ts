#!/usr/bin/env node
/**
 * sysfleet's executable. `npm run build` bundles the command line (src/cli/program.ts and all it
 * imports but ssh2 and the terminal UI) into dist/cli/program.bundle.js (scripts/bundle-cli.mjs):
 * one file to load instead of ~250 modules to find, open and compile, on every invocation. Without
 * the bundle (a partial build) the modules load one by one, with the same behaviour.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Program = typeof import('./program.js');

const bundle = new URL('./program.bundle.js', import.meta.url);
const program: Program = existsSync(fileURLToPath(bundle))
  ? ((await import(bundle.href)) as Program)
  : await import('./program.js');
await program.runCli();
