// shellcheck over every shell file in the repository (part of `npm run check`).
//
// The host programs (src/apply/host/*.sh, src/facts/gather.sh) are POSIX sh fragments: lib.sh
// defines what apply.sh uses, script.ts renders the data functions and variables, runner.sh calls
// what the program defines. Three checks need the whole program and are off for them only:
// SC2034 (assigned, used by another fragment), SC2153 (used, assigned by another fragment or the
// rendered header), SC2317 (a function only other fragments call). Every other finding is fixed
// or carries a `# shellcheck disable=` line with its reason beside the code.
import { execFileSync, spawnSync } from 'node:child_process';

const tracked = execFileSync('git', ['ls-files', '*.sh', '.ci/run'], { encoding: 'utf8' })
  .split('\n')
  .filter(Boolean);

const fragment = (f) => f.startsWith('src/apply/host/') || f === 'src/facts/gather.sh';
/** Whole scripts with a reason to skip a check that cannot go beside the code. */
const perFile = {
  // The image recipe is hashed into the image cache key: an edit here rebuilds every image.
  // SC2016: dpkg-query's own ${Package} format; SC2012: ls of /lib/modules names only.
  'src/lab/vm/build-image.sh': ['-e', 'SC2016,SC2012'],
};

const runs = [
  ['-s', 'sh', '-e', 'SC2034,SC2153,SC2317', ...tracked.filter(fragment)],
  ...tracked.filter((f) => !fragment(f) && !perFile[f]).map((f) => [f]),
  ...Object.entries(perFile).map(([f, args]) => [...args, f]),
];

let failed = false;
for (const args of runs) {
  const r = spawnSync('shellcheck', ['-f', 'gcc', ...args], { encoding: 'utf8' });
  if (r.error) {
    console.error(
      `shellcheck: ${r.error.message}; install it with: bash scripts/setup.sh --test (Debian package shellcheck)`,
    );
    process.exit(1);
  }
  if (r.status !== 0) {
    failed = true;
    process.stderr.write(r.stdout + r.stderr);
  }
}
if (failed) process.exit(1);
console.log(`shellcheck: ${tracked.length} shell files clean`);
