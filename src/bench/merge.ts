/**
 * `npm run bench -- merge`: the cost of `sysfleet report merge` on synthetic shard reports of
 * 5 000 and 50 000 hosts (docs/fleet-scale.md quotes it). The merge runs as the built CLI in its
 * own process, under GNU time, so the figure is what a merge pod pays: read and validate every
 * shard report, merge, write JSON, JUnit and Prometheus.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderJson } from '../report/json.js';
import { shardReports, syntheticFleet } from '../report/synthetic.js';
import { measure, type Measured } from './measure.js';
import { MERGE_USAGE, parseMergeArgs } from './merge-args.js';
import { summarize, type Summary } from './stats.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

const fmt = (s: Summary | undefined, digits: number, scale = 1): string =>
  s
    ? `${(s.median * scale).toFixed(digits)} (${(s.min * scale).toFixed(digits)}–${(s.max * scale).toFixed(digits)})`
    : 'n/a';

export async function mergeBench(argv: readonly string[], log: (l: string) => void): Promise<void> {
  const args = parseMergeArgs(argv);
  if (args.help) {
    process.stdout.write(`${MERGE_USAGE}\n`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'sysfleet-bench-merge-'));
  const rows = [
    '| hosts | shards | shard reports (MB) | outputs | wall s, median (min–max) | CPU s | peak RSS MiB | RSS KiB/host | exit |',
    '|---:|---:|---:|---|---|---|---|---:|---:|',
  ];
  try {
    for (const n of args.hosts) {
      const shards = join(dir, `n${n}`);
      mkdirSync(shards);
      let bytes = 0;
      for (const r of shardReports(syntheticFleet(n), args.shards)) {
        const file = join(shards, `shard-${r.shard!.index}.json`);
        writeFileSync(file, renderJson(r));
        bytes += statSync(file).size;
      }
      for (const outputs of [false, true]) {
        const runs: Measured[] = [];
        for (let i = 0; i < args.runs; i++) {
          const out = join(dir, `out-${n}-${i}`);
          mkdirSync(out, { recursive: true });
          const files = outputs
            ? ['--json', 'report.json', '--junit', 'junit.xml', '--prometheus', 'sysfleet.prom']
            : [];
          runs.push(
            await measure({
              argv: [
                process.execPath,
                CLI,
                'report',
                'merge',
                shards,
                '--shards',
                String(args.shards),
                '--nagios',
                ...files.map((f, j) => (j % 2 === 1 ? join(out, f) : f)),
              ],
              logPath: join(dir, `merge-${n}-${i}.log`),
              timePath: join(dir, `merge-${n}-${i}.time`),
              timeoutMs: 300_000,
            }),
          );
          log(
            `merge of ${n} hosts${outputs ? ' + outputs' : ''}: ${runs.at(-1)!.wallS.toFixed(2)} s`,
          );
        }
        const rss = summarize(runs.map((r) => r.rssKiB));
        rows.push(
          `| ${n} | ${args.shards} | ${(bytes / 2 ** 20).toFixed(1)} | ${outputs ? 'Nagios + JSON + JUnit + Prometheus' : 'Nagios line only'} | ` +
            `${fmt(summarize(runs.map((r) => r.wallS)), 2)} | ${fmt(summarize(runs.map((r) => r.cpuS)), 2)} | ` +
            `${fmt(rss, 0, 1 / 1024)} | ${rss ? (rss.median / n).toFixed(1) : 'n/a'} | ` +
            `${[...new Set(runs.map((r) => r.exitCode))].join(',')} |`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(', ');
  process.stdout.write(
    `## sysfleet report merge (synthetic fleet; exit 2 = its drift, as expected; load average ${load} on ${cpus().length} cores)\n\n${rows.join('\n')}\n`,
  );
}
