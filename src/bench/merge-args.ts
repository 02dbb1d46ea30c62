/** Command line of `npm run bench -- merge [options]` (pure). */

export interface MergeBenchArgs {
  /** Fleet sizes of the synthetic shard reports. */
  hosts: number[];
  shards: number;
  runs: number;
  help: boolean;
}

export const MERGE_USAGE = `usage: npm run bench -- merge [--hosts 5000,50000] [--shards 10] [--runs 3]
Writes synthetic shard reports (src/report/synthetic.ts) of each fleet size, then times the built
\`sysfleet report merge DIR --json --junit --prometheus\` as a process: wall, CPU, peak RSS.
No lab, no root; takes seconds.`;

function whole(flag: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min || n > max)
    throw new Error(`${flag}: expected a whole number ${min}-${max}, got "${v ?? ''}"`);
  return n;
}

export function parseMergeArgs(argv: readonly string[]): MergeBenchArgs {
  const a: MergeBenchArgs = { hosts: [5000, 50_000], shards: 10, runs: 3, help: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--hosts')
      a.hosts = (argv[++i] ?? '').split(',').map((s) => whole('--hosts', s.trim(), 1, 1_000_000));
    else if (flag === '--shards') a.shards = whole('--shards', argv[++i], 1, 4096);
    else if (flag === '--runs') a.runs = whole('--runs', argv[++i], 1, 50);
    else if (flag === '--help' || flag === '-h') a.help = true;
    else throw new Error(`unknown option ${flag}\n${MERGE_USAGE}`);
  }
  return a;
}
