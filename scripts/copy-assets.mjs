// tsc compiles .ts only: copy the shell scripts that are sent to hosts (src/**/*.sh) next to their
// compiled modules in dist/, where `new URL('./x.sh', import.meta.url)` finds them, and the
// generated JavaScript modules (src/**/*.gen.js, scripts/gen-validators.mjs).
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.sh') || entry.name.endsWith('.gen.js'))
      cpSync(path, path.replace(/^src/, 'dist'));
  }
}
walk('src');
