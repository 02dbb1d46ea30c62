/**
 * `sysfleet apply`: plan (the same plan check shows), confirm, then carry the plan out in waves
 * with a durable snapshot before every change. Ctrl-C stops new hosts; in-flight hosts finish and
 * the run is recorded for `sysfleet rollback`. The run itself is src/run/apply-run.ts; this file
 * parses the options, shows the plan and asks, and prints the outcome.
 */
import { Command } from 'commander';
import { carryOutApply, dropPlan, planApply, type ApplyRun } from '../run/apply-run.js';
import type { HostCheckResult } from '../run/check.js';
import { planOnlyExitCode } from '../run/exit-codes.js';
import { applyDefaultRetention, openStore } from '../run/store.js';
import { parseCountSpec } from '../run/waves.js';
import { buildPlanReview, type PlanReview } from '../ui/review.js';
import { formatGroup } from '../ui/group.js';
import { operator, startRun } from './fleet.js';
import { loadUi } from './load-ui.js';
import { addHostOptions } from './options.js';
import { eventSink, outputMode } from './output.js';
import type { HostOptions } from './options.js';
import type { OutputOptions } from './output.js';
import { addRunIdOption, addShardOption, loadPlaybookRun, type ShardOptions } from './shard.js';

interface ApplyCliOptions extends HostOptions, OutputOptions, ShardOptions {
  yes: boolean;
  dryRun: boolean;
  canary: string;
  batch?: string;
  maxFail?: string;
  autoRollback: boolean;
  settle?: string;
  stateDir?: string;
}

export function registerApply(program: Command): void {
  const cmd = program
    .command('apply')
    .description('plan, confirm, then apply in waves with a rollback snapshot before every change')
    .argument('<playbook>', 'playbook YAML file');
  addHostOptions(cmd, { deadline: 3600 })
    .option('-y, --yes', 'apply without asking (required when not on a terminal)', false)
    .option('-n, --dry-run', 'print the plan and change nothing', false)
    .option('--canary <n>', 'hosts in the first wave, alone', '0')
    .option('--batch <n|n%>', 'hosts per wave after the canary (default: all)')
    .option('--max-fail <n|n%>', 'stop starting hosts once more than this many failed')
    .option('--auto-rollback', 'when --max-fail trips, roll back the hosts this run changed', false)
    .option(
      '--settle <s>',
      'health gate between waves: wait S seconds, re-read evidence, halt if worse',
    )
    .option(
      '--state-dir <dir>',
      'where runs and snapshots are kept (default $SYSFLEET_STATE_DIR or ~/.local/state/sysfleet)',
    )
    .option('--plain', 'plain lines instead of the terminal UI', false)
    .option('--events', 'print one JSON run event per line on stdout', false);
  addRunIdOption(addShardOption(cmd)).action(
    async (playbookPath: string, opts: ApplyCliOptions) => {
      process.exitCode = await apply(playbookPath, opts);
    },
  );
}

async function apply(playbookPath: string, opts: ApplyCliOptions): Promise<number> {
  const canary = Number(opts.canary);
  if (!Number.isInteger(canary) || canary < 0)
    throw new Error(`--canary: expected a whole number, got "${opts.canary}"`);
  const batch = opts.batch
    ? { spec: parseCountSpec(opts.batch, '--batch'), text: opts.batch }
    : undefined;
  const maxFail = opts.maxFail
    ? { spec: parseCountSpec(opts.maxFail, '--max-fail'), text: opts.maxFail }
    : undefined;
  const settle = opts.settle !== undefined ? Number(opts.settle) : undefined;
  if (settle !== undefined && !(settle >= 0))
    throw new Error(`--settle: expected seconds, got "${opts.settle}"`);
  const mode = outputMode(opts);
  if (!opts.yes && !opts.dryRun && mode !== 'tui') {
    throw new Error('not on a terminal: review the plan with --dry-run, then apply with --yes');
  }

  const { runId, fleet, playbook } = await loadPlaybookRun(opts, playbookPath);
  const store = openStore(opts.stateDir);
  const warn = (l: string) => process.stderr.write(`${l}\n`);
  await applyDefaultRetention(store, warn);
  // Ctrl-C / the UI's `a` stop NEW hosts (`run.stop`); connections and hosts already applying live
  // until the deadline (`run.deadline`), so an in-flight host finishes and its real outcome is
  // recorded instead of "connection closed" on a host that changed anyway.
  const ctl = await startRun(opts, fleet.hosts, warn);
  const run: ApplyRun = {
    runId,
    playbook,
    hosts: fleet.hosts,
    transport: ctl.transport,
    store,
    inventorySources: opts.inventory,
    by: operator(),
    forks: opts.forks,
    commandTimeoutMs: opts.commandTimeout * 1000,
    canary,
    ...(batch ? { batch } : {}),
    ...(maxFail ? { maxFail } : {}),
    autoRollback: opts.autoRollback,
    ...(settle !== undefined ? { settleSeconds: settle } : {}),
    stop: ctl.stop,
    deadline: ctl.deadline,
  };
  try {
    if (mode !== 'events') warn(`planning ${fleet.hosts.length} host(s)…`);
    const planned = await planApply(run);
    const review = buildPlanReview(planned.results.map(reviewInput));
    const fleetCounts = {
      changing: review.changingHosts,
      unplanned: planned.results.filter((r) => r.error).length,
    };
    if (opts.dryRun || mode !== 'tui' || opts.yes) printPlan(playbook.name, review);
    const ending = opts.dryRun
      ? 'dry-run'
      : review.changingHosts === 0
        ? 'nothing-to-change'
        : !opts.yes &&
            !(await (await loadUi()).renderPlanReview(review, { title: `apply ${playbook.name}` }))
          ? 'declined'
          : ctl.stop.aborted
            ? 'stopped'
            : undefined;
    if (ending) {
      dropPlan(planned);
      if (ending === 'nothing-to-change') process.stdout.write('nothing to change.\n');
      if (ending === 'declined') process.stdout.write('not applied.\n');
      return planOnlyExitCode(ending, fleetCounts);
    }

    let pauseRequested = false;
    // `r` in the live view, confirmed there: stop starting hosts, let the ones in flight finish,
    // then roll back every host this run changed, shown live in the same view.
    let rollbackRequested = false;
    const sink = eventSink(opts, {
      callbacks: {
        onAbort: ctl.interrupt.trigger,
        onQuit: ctl.interrupt.trigger,
        onPause: () => (pauseRequested = true),
        onRollback: () => {
          rollbackRequested = true;
          ctl.interrupt.trigger();
        },
      },
    });
    const res = await carryOutApply(run, planned, sink.emit, {
      // `p` in the live view: finish this wave, then stop. The run is recorded; running apply
      // again continues (hosts already changed are unchanged then).
      pauseRequested: () => pauseRequested,
      rollbackRequested: () => rollbackRequested,
      stop: ctl.interrupt.trigger,
    });
    await sink.close();
    process.stdout.write(
      `run ${runId}: ${Object.entries(res.counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}\n`,
    );
    if (res.stoppedBy) process.stdout.write(`stopped (${res.stoppedBy}).\n`);
    if (res.leftChanged.length > 0) process.stdout.write(`undo with: sysfleet rollback ${runId}\n`);
    return res.exitCode;
  } finally {
    await ctl.close();
  }
}

function printPlan(name: string, review: PlanReview): void {
  const out = [`plan for ${name} (${review.totalHosts} hosts, ${review.changingHosts} to change):`];
  for (const l of review.groups.map(formatGroup)) out.push(`  ${l}`);
  for (const s of review.shadowing)
    out.push(`  warning: ${s.file} will still shadow the change on ${s.hosts.length} host(s)`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function reviewInput(r: HostCheckResult) {
  return r.plan
    ? { host: r.host, plan: r.plan }
    : { host: r.host, outcome: 'unreachable' as const, error: r.error?.message ?? 'unreachable' };
}
