/**
 * `sysfleet report merge REPORT|DIR...`: the shard reports of one sharded check (`check --shard
 * K/N --json`) merged into the report one process checking the whole fleet writes, with every
 * output check has (summary, --json, --junit, --prometheus, --nagios, exit code). Reports that
 * do not belong together are errors naming file and shard (exit 3, nothing written). With the
 * shards' inventory (-i, --limit), a shard without a report has failed: its hosts are unknown.
 * `--wait S --shards N` waits (bounded) for N reports to appear first: the Job's merge step.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { report as validateReport } from '../parse/schema-validators.gen.js';
import { MergeError, mergeShardReports, type ShardReportInput } from '../report/merge.js';
import type { CheckReport } from '../report/types.js';
import { loadFleet } from './fleet.js';
import {
  addReportOutputOptions,
  writeReportOutputs,
  type ReportOutputOptions,
} from './report-outputs.js';
import { wholeFleet } from './shard.js';

interface MergeOptions extends ReportOutputOptions {
  inventory: string[];
  limit?: string;
  sshConfig?: string;
  wait?: number;
  shards?: number;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const whole = (flag: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new Error(`${flag}: expected a whole number, got "${v}"`);
  return Number(v);
};

/** Files named, and the *.json files of directories named, in a stable order. */
async function reportFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    if ((await stat(p)).isDirectory()) {
      const names = (await readdir(p)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
      files.push(...names.sort().map((n) => join(p, n)));
    } else files.push(p);
  }
  return files;
}

/** --wait: poll once a second until `want` reports exist or the time is up. Bounded both ways. */
async function waitForReports(
  paths: readonly string[],
  want: number,
  seconds: number,
): Promise<void> {
  const until = Date.now() + seconds * 1000;
  for (let i = 0; i <= seconds; i++) {
    const have = await reportFiles(paths).catch(() => []);
    if (have.length >= want || Date.now() >= until) return;
    await sleep(Math.min(1000, Math.max(0, until - Date.now())));
  }
}

async function readShard(file: string): Promise<ShardReportInput> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new MergeError([
      `${file}: not JSON (${(err as Error).message}): a shard report cut short?`,
    ]);
  }
  if (!validateReport(data)) {
    const why = (validateReport.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      .join('; ');
    throw new MergeError([
      `${file}: not a sysfleet check report (schemas/report.schema.json): ${why}`,
    ]);
  }
  return { file, report: data as CheckReport };
}

async function merge(paths: string[], opts: MergeOptions): Promise<number> {
  if (opts.wait !== undefined) {
    if (!opts.shards) throw new Error('--wait needs --shards N: how many reports to wait for');
    await waitForReports(paths, opts.shards, opts.wait);
  }
  const files = await reportFiles(paths);
  const fleet =
    opts.inventory.length > 0
      ? wholeFleet(
          await loadFleet({
            inventory: opts.inventory,
            limit: opts.limit,
            sshConfig: opts.sshConfig,
            become: false,
          }),
        )
      : undefined;
  try {
    // One file at a time: only one shard's text is in memory next to the parsed reports.
    const inputs: ShardReportInput[] = [];
    for (const f of files) inputs.push(await readShard(f));
    const counts = new Set(inputs.map((i) => i.report.shard?.count));
    if (opts.shards !== undefined && !(counts.size === 1 && counts.has(opts.shards)))
      throw new MergeError([
        `--shards ${opts.shards}, but the reports are of ${[...counts].map(String).join(', ') || 'no'} shards`,
      ]);
    const { report, failedShards } = mergeShardReports(inputs, fleet);
    for (const k of failedShards) {
      const n = report.hosts.filter(
        (h) => h.error?.kind === 'shard-failed' && h.error.message.startsWith(`shard ${k}/`),
      ).length;
      process.stderr.write(
        `sysfleet: shard ${k}/${inputs[0]!.report.shard!.count} wrote no report: its ${n} host(s) are reported unknown\n`,
      );
    }
    return await writeReportOutputs(report, opts);
  } catch (err) {
    if (!(err instanceof MergeError)) throw err;
    for (const p of err.problems) process.stderr.write(`sysfleet: report merge: ${p}\n`);
    return 3;
  }
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('work with check reports (merge the shards of a sharded check)');
  const mergeCmd = cmd
    .command('merge')
    .description(
      'merge the JSON reports of the shards of one check (check --shard K/N --json) into the report and outputs one unsharded run gives',
    )
    .argument('<report...>', 'shard report files, or directories of them (*.json)')
    .option(
      '-i, --inventory <source>',
      "the shards' inventory: a shard without a report then makes its hosts unknown",
      collect,
      [],
    )
    .option('-l, --limit <pattern>', 'the --limit the shards ran with')
    .option(
      '--ssh-config <file>',
      'ssh_config the shards resolved hosts with (default ~/.ssh/config)',
    )
    .option('--shards <n>', 'expect reports of exactly N shards', whole('--shards'))
    .option(
      '--wait <s>',
      'first wait up to S seconds for --shards reports to appear',
      whole('--wait'),
    );
  addReportOutputOptions(mergeCmd, 'the merge itself failed')
    .addHelpText(
      'after',
      '\nExit codes: those of check (0 compliant, 1 warnings, 2 drift, 3 unknown); 3 when the reports do not merge.',
    )
    .action(async (paths: string[], opts: MergeOptions) => {
      process.exitCode = await merge(paths, opts);
    });
}
