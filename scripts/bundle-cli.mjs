// Bundles the command line (dist/cli/program.js and what it imports: our modules, yaml,
// commander, ajv's runtime, ...) into one ESM file, dist/cli/program.bundle.js, which
// dist/cli/main.js loads when it exists. Loading ~250 modules one by one cost ~0.1 s of CPU on
// every invocation (file lookups, opens, compiles): a tenth of a 50-host check.
//
// Kept out: ssh2 (optional native bindings, loaded as installed), the terminal UI (loaded on
// demand from its own bundle, scripts/bundle-ui.mjs) and the lab agent (a separate program).
//
// Modules find their assets relative to themselves (`new URL('./gather.sh', import.meta.url)`,
// schemas/, package.json): in the bundle each module's import.meta.url is rewritten to the URL
// its own file has in dist/, so those paths stay what they were.
import { build } from 'esbuild';
import { NODE_ESM_BUNDLE } from './esbuild-node.mjs';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const outfile = `${dist}cli/program.bundle.js`;

/** import.meta.url of a module in dist/, as seen from the bundle's own URL. */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(b) {
    b.onLoad({ filter: /\/dist\/.*\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const rel = relative(dirname(outfile), args.path);
      return {
        contents: source.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
        ),
        loader: 'js',
      };
    });
  },
};

await build({
  entryPoints: [`${dist}cli/program.js`],
  outfile,
  ...NODE_ESM_BUNDLE,
  // typescript: only the lab agent's fallback for running from src/ imports it
  external: ['ssh2', 'ink', 'react', '../ui/*', 'typescript'],
  // Smaller to read and parse on every start (850 -> 560 KB); names stay, for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [keepModuleUrls],
});
