// What both bundles of the built package share (scripts/bundle-cli.mjs, scripts/bundle-ui.mjs):
// one ESM file for Node 20+, with a source map and the licences of what it holds beside it.
export const NODE_ESM_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // bundled CommonJS modules (commander, react, signal-exit, ...) call require() for Node built-ins
  banner: {
    js: "import { createRequire as __sfCreateRequire } from 'node:module'; const require = __sfCreateRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'linked',
};
