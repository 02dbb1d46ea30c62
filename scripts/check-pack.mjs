// What `npm publish` would ship, checked (part of `npm run check`, so CI runs it): the CLI, its
// bundles and assets, schemas, playbooks and example inventories; never the benchmark, test
// fixtures or tests. The lab stays in: `sysfleet lab` is a user command (demos, trying a
// playbook on a throwaway fleet), documented in the README.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('dist/cli/main.js')) {
  console.error('check-pack: dist/ is missing: run `npm run build` first');
  process.exit(1);
}
const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
  encoding: 'utf8',
});
const files = JSON.parse(out)[0].files.map((f) => f.path);
const forbidden = [
  [/^dist\/bench\//, 'the benchmark (npm run bench runs it from a checkout)'],
  [/(^|\/)fixtures(\.js|\.js\.map|\/)/, 'test fixtures'],
  [/\.test\.[cm]?[jt]sx?(\.map)?$/, 'tests'],
  [/^(test|src)\//, 'sources and tests (the package ships dist/)'],
];
const required = [
  'dist/cli/main.js',
  'dist/cli/program.bundle.js',
  'dist/ui/render.bundle.js',
  'dist/facts/gather.sh',
  ...[
    'lib',
    'apply',
    'rollback',
    'runner',
    'prune',
    'collect',
    'list-snapshots',
    'read-snapshot',
  ].map((n) => `dist/apply/host/${n}.sh`),
  'schemas/playbook.schema.json',
  'schemas/report.schema.json',
  'playbooks/nat-keepalive.yaml',
  'package.json',
  'README.md',
];
const problems = [];
for (const f of files)
  for (const [re, what] of forbidden) if (re.test(f)) problems.push(`ships ${f}: ${what}`);
for (const f of required) if (!files.includes(f)) problems.push(`does not ship ${f}`);
if (problems.length > 0) {
  console.error(`check-pack: the npm package is wrong:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-pack: ${files.length} files, none of bench, fixtures or tests`);
