/**
 * `sysfleet rollback [RUN|latest]`: the 3 a.m. command. Restores the runtime values and files
 * that a run's snapshots recorded, on every host the run touched, with no fact gathering and the
 * widest concurrency; unreachable hosts are listed with a command that retries just them.
 * `--from-hosts` reads the snapshots kept on the hosts when this workstation's store is gone.
 *
 * On a terminal it first shows what goes back to what, on how many hosts, and which hosts cannot
 * be reached now, and asks; `--yes` skips that for scripts, `--dry-run` only shows it. Without a
 * terminal and without --yes it refuses before touching anything: an emergency script is one
 * flag away, and a rollback never happens by accident. The run itself is src/run/rollback-run.ts.
 */
import { Command } from 'commander';
import type { HostApplyRecord } from '../run/apply.js';
import { retryCommand } from '../run/rollback.js';
import {
  carryOutRollback,
  dropPreflight,
  keyFilter,
  loadStoredRun,
  preflightRollback,
  rollbackTargets,
  type RollbackRun,
  type StoredRun,
} from '../run/rollback-run.js';
import { openStore } from '../run/store.js';
import { formatGroup } from '../ui/group.js';
import type { PlanReview } from '../ui/review.js';
import type { ReviewWording } from '../ui/PlanReview.js';
import { buildRollbackReview, rollbackWording } from '../ui/rollback-review.js';
import { loadFleet, operator, startRun } from './fleet.js';
import { loadUi } from './load-ui.js';
import { addHostOptions, type HostOptions } from './options.js';
import { eventSink, outputMode, type OutputOptions } from './output.js';
import { addShardOption, shardFleet, shardSpec, type ShardOptions } from './shard.js';

interface RollbackCliOptions extends HostOptions, OutputOptions, ShardOptions {
  yes: boolean;
  dryRun: boolean;
  keys: string[];
  force: boolean;
  fromHosts: boolean;
  stateDir?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerRollback(program: Command): void {
  const cmd = program
    .command('rollback')
    .description('restore the exact previous runtime values and files on every host a run touched')
    .argument('[run]', 'run id, or "latest"', 'latest');
  addHostOptions(cmd, { deadline: 600, inventoryOptional: true })
    .option('-y, --yes', 'roll back without the review (required when not on a terminal)', false)
    .option('-n, --dry-run', 'show what would be restored, where, and change nothing', false)
    .option(
      '--keys <glob>',
      "restore only matching keys, e.g. 'net.ipv4.tcp_keepalive_*' (repeatable)",
      collect,
      [],
    )
    .option('--force', 'also restore keys and files changed again since the run', false)
    .option(
      '--from-hosts',
      "read the snapshots kept on the hosts (needs -i); for when this workstation's store is gone",
      false,
    )
    .option(
      '--state-dir <dir>',
      'where runs and snapshots are kept (default $SYSFLEET_STATE_DIR or ~/.local/state/sysfleet)',
    )
    .option('--plain', 'plain lines instead of the terminal UI', false)
    .option('--events', 'print one JSON run event per line on stdout', false);
  addShardOption(cmd).action(async (ref: string, opts: RollbackCliOptions) => {
    process.exitCode = await rollback(ref, opts);
  });
}

async function rollback(ref: string, opts: RollbackCliOptions): Promise<number> {
  const mode = outputMode(opts);
  if (!opts.yes && !opts.dryRun && mode !== 'tui') {
    throw new Error(
      `not on a terminal: add --yes to roll back (sysfleet rollback ${ref} --yes), or --dry-run to see what would be restored`,
    );
  }
  const store = openStore(opts.stateDir);
  let stored: StoredRun | undefined;
  if (!opts.fromHosts) {
    stored = await loadStoredRun(store, ref);
    if (opts.inventory.length === 0) opts.inventory = stored.inventorySources;
  } else if (opts.inventory.length === 0) {
    throw new Error('--from-hosts needs the inventory (-i): the hosts are where the snapshots are');
  }
  const fleet = shardFleet(await loadFleet(opts), shardSpec(opts));
  const warn = (l: string) => process.stderr.write(`${l}\n`);
  const ctl = await startRun(opts, fleet.hosts, warn);
  const run: RollbackRun = {
    transport: ctl.transport,
    store,
    by: operator(),
    forks: opts.forks,
    commandTimeoutMs: opts.commandTimeout * 1000,
    keys: opts.keys,
    force: opts.force,
    fromHosts: opts.fromHosts,
    stop: ctl.stop,
    deadline: ctl.deadline,
  };
  try {
    const targets = await rollbackTargets(run, ref, fleet.hosts, stored);
    if (!opts.limit && !opts.shard)
      for (const name of targets.notInInventory)
        warn(`warning: ${name} has a snapshot in run ${targets.runId} but is not in the inventory`);
    const { runId, hosts } = targets;
    if (!runId) throw new Error('no run to roll back');
    if (hosts.length === 0) {
      process.stdout.write(
        `run ${runId}: no host to roll back${opts.limit ? ` within --limit ${opts.limit}` : ''}.\n`,
      );
      return 0;
    }
    // The review: every host connected first (the connections are kept for the rollback), so it
    // can say which hosts are unreachable now, and what each snapshot puts back.
    const preflight =
      opts.yes && !opts.dryRun ? undefined : await preflightRollback(run, runId, hosts, stored);
    if (preflight) {
      const review = buildRollbackReview(preflight.hosts, keyFilter(opts.keys));
      const wording = rollbackWording(runId, review);
      const confirmed = opts.dryRun
        ? (printReview(review, wording), false)
        : await (await loadUi()).renderPlanReview(review, { wording });
      if (!confirmed) {
        dropPreflight(preflight);
        if (!opts.dryRun) process.stdout.write('not rolled back.\n');
        return 0;
      }
    }
    const sink = eventSink(opts, {
      callbacks: { onAbort: ctl.interrupt.trigger, onQuit: ctl.interrupt.trigger },
    });
    const res = await carryOutRollback(run, runId, hosts, stored, preflight, sink.emit);
    await sink.close();
    printSummary(runId, res.results, opts);
    return res.exitCode;
  } finally {
    await ctl.close();
  }
}

/** The options a retry of this rollback must repeat to reach and treat the hosts the same way. */
export function repeatArgs(opts: RollbackCliOptions): string[] {
  const args: string[] = [];
  for (const f of opts.knownHosts) args.push('--known-hosts', f);
  if (opts.key) args.push('--key', opts.key);
  if (opts.sshConfig) args.push('--ssh-config', opts.sshConfig);
  if (opts.hostKeyChecking !== 'strict') args.push('--host-key-checking', opts.hostKeyChecking);
  if (opts.become) args.push('--become');
  if (opts.stateDir) args.push('--state-dir', opts.stateDir);
  for (const k of opts.keys) args.push('--keys', k);
  if (opts.force) args.push('--force');
  if (opts.fromHosts) args.push('--from-hosts');
  if (opts.yes) args.push('--yes');
  return args;
}

function printSummary(
  runId: string,
  results: readonly HostApplyRecord[],
  opts: RollbackCliOptions,
): void {
  const by = (o: string) => results.filter((r) => r.outcome === o);
  const out: string[] = [];
  out.push(
    `rollback of ${runId}: ${by('rolled_back').length} restored, ${by('unchanged').length} already restored, ` +
      `${by('skipped').length} skipped, ${by('failed').length} failed, ${by('unreachable').length} unreachable`,
  );
  // A partial rollback is `rolled_back` with an error naming what was left alone: list it too.
  for (const r of results.filter(
    (x) => !['rolled_back', 'unchanged'].includes(x.outcome) || x.error,
  )) {
    out.push(`  ${r.host}: ${r.outcome}${r.error ? ` — ${r.error}` : ''}`);
  }
  const retry = retryCommand(runId, results, opts.inventory, repeatArgs(opts));
  if (retry) out.push(`retry the unreachable: ${retry}`);
  if (results.some((r) => r.error?.includes('changed since'))) {
    out.push(
      'keys changed again since the run were left alone; add --force to restore them anyway',
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

/** --dry-run: the review as plain lines. */
function printReview(review: PlanReview, wording: ReviewWording): void {
  const names = (g: PlanReview['groups'][number]) =>
    g.kind === 'change' || g.kind === 'compliant'
      ? ''
      : ` (${g.hosts.slice(0, 20).join(', ')}${g.hosts.length > 20 ? ', …' : ''})`;
  const lines = [
    wording.heading ?? '',
    ...review.groups.map((g) => `  ${formatGroup(g)}${names(g)}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n(dry run: nothing restored)\n`);
}
