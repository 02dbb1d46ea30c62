/**
 * `sysfleet apply`: plan (the same plan check shows), confirm, then carry the plan out in waves
 * with a durable snapshot before every change. Ctrl-C stops new hosts; in-flight hosts finish and
 * the run is recorded for `sysfleet rollback`.
 */
import { Command } from 'commander';
import {
  applyHost,
  applyOutcome,
  openStore,
  rollbackHost,
  rollbackOutcome,
} from '../apply/index.js';
import type { SnapshotStore } from '../apply/index.js';
import { applyDefaultRetention } from '../apply/retention.js';
import { applyFleet, planFleet, rolloutWaves, type ApplyDeps } from '../run/apply.js';
import type { CheckDeps, HostCheckResult } from '../run/check.js';
import type { RunEvent } from '../run/events.js';
import { applyExitCode } from '../run/exit-codes.js';
import { parseCountSpec } from '../run/waves.js';
import { buildPlanReview } from '../ui/review.js';
import { formatGroup } from '../ui/group.js';
import { checkDeps, loadFleet, makeTransport, operator, startRun } from './fleet.js';
import { loadUi } from './load-ui.js';
import { addHostOptions, type HostOptions } from './options.js';
import { eventSink, outputMode, type OutputOptions } from './output.js';
import {
  addRunIdOption,
  addShardOption,
  runIdFor,
  shardFleet,
  shardSpec,
  type ShardOptions,
} from './shard.js';

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
  const batch = opts.batch ? parseCountSpec(opts.batch, '--batch') : undefined;
  const maxFail = opts.maxFail ? parseCountSpec(opts.maxFail, '--max-fail') : undefined;
  const settle = opts.settle !== undefined ? Number(opts.settle) : undefined;
  if (settle !== undefined && !(settle >= 0))
    throw new Error(`--settle: expected seconds, got "${opts.settle}"`);
  const mode = outputMode(opts);
  if (!opts.yes && !opts.dryRun && mode !== 'tui') {
    throw new Error('not on a terminal: review the plan with --dry-run, then apply with --yes');
  }

  const spec = shardSpec(opts);
  const runId = runIdFor(opts, spec);
  const whole = await loadFleet(opts, playbookPath);
  const playbook = whole.playbook!;
  if (whole.hosts.length === 0)
    throw new Error(`no hosts match${opts.limit ? ` --limit ${opts.limit}` : ''}`);
  // --canary, --batch and --max-fail apply within this shard's slice (docs/fleet-scale.md).
  const fleet = shardFleet(whole, spec);
  const store = openStore(opts.stateDir);
  const warn = (l: string) => process.stderr.write(`${l}\n`);
  await applyDefaultRetention(store, warn);
  // Ctrl-C / the UI's `a` stop NEW hosts (`run.stop`); connections and hosts already applying live
  // until the deadline (`run.deadline`), so an in-flight host finishes and its real outcome is
  // recorded instead of "connection closed" on a host that changed anyway.
  const run = await startRun(opts, fleet.hosts, warn);
  const { interrupt, transport, deadline, stop: signal } = run;
  const buffered: RunEvent[] = [];
  try {
    if (mode !== 'events') warn(`planning ${fleet.hosts.length} host(s)…`);
    const planEmit = (e: RunEvent) => buffered.push(e);
    const planDeps: CheckDeps = {
      ...checkDeps(transport, playbook),
      // A connection made to plan a host is kept for its apply: tie it to the deadline only.
      connect: (target) => transport.connect(target, deadline),
    };
    const { results, connections } = await planFleet(fleet.hosts, planDeps, {
      forks: opts.forks,
      commandTimeoutMs: opts.commandTimeout * 1000,
      signal,
      emit: planEmit,
    });
    const review = buildPlanReview(results.map(reviewInput));
    if (opts.dryRun || mode !== 'tui' || opts.yes) {
      const lines = review.groups.map(formatGroup);
      process.stdout.write(
        `plan for ${playbook.name} (${review.totalHosts} hosts, ${review.changingHosts} to change):\n`,
      );
      for (const l of lines) process.stdout.write(`  ${l}\n`);
      for (const s of review.shadowing)
        process.stdout.write(
          `  warning: ${s.file} will still shadow the change on ${s.hosts.length} host(s)\n`,
        );
    }
    if (opts.dryRun) return review.changingHosts > 0 ? 2 : 0;
    if (review.changingHosts === 0) {
      process.stdout.write('nothing to change.\n');
      return results.some((r) => r.error) ? 3 : 0;
    }
    if (
      !opts.yes &&
      !(await (
        await loadUi()
      ).renderPlanReview(review, {
        title: `apply ${playbook.name}`,
      }))
    ) {
      process.stdout.write('not applied.\n');
      return 0;
    }
    if (signal.aborted) return 3;

    const toChange = fleet.hosts.filter((h) => {
      const r = results.find((x) => x.host === h.name);
      return !r?.plan || r.plan.changes.length > 0 || r.plan.persistFile;
    });
    await store.createRun({
      id: runId,
      kind: 'apply',
      playbook: playbook.source,
      inventorySources: opts.inventory,
      hosts: toChange.map((h) => h.name),
      options: {
        canary,
        batch: opts.batch,
        maxFail: opts.maxFail,
        autoRollback: opts.autoRollback,
        by: operator(),
      },
    });
    const planned = new Map<string, HostCheckResult>(results.map((r) => [r.host, r]));
    const { waves } = rolloutWaves(toChange, planned, { canary, batch });
    let pauseRequested = false;
    // `r` in the live view, confirmed there: stop starting hosts, let the ones in flight finish,
    // then roll back every host this run changed, shown live in the same view.
    let rollbackRequested = false;
    const sink = eventSink(opts, {
      callbacks: {
        onAbort: interrupt.trigger,
        onQuit: interrupt.trigger,
        onPause: () => (pauseRequested = true),
        onRollback: () => {
          rollbackRequested = true;
          interrupt.trigger();
        },
      },
    });
    sink.emit({
      type: 'run-started',
      at: new Date().toISOString(),
      runId,
      kind: 'apply',
      playbook: playbook.name,
      hosts: toChange.map((h) => h.name),
      waves,
    });
    // Facts and plans from the planning pass, not its phases: a host waiting for its wave is
    // pending, not "planned" (which the UI counts as in flight).
    const changing = new Set(toChange.map((h) => h.name));
    for (const e of buffered) {
      const host = (e as { host?: string }).host;
      if (e.type !== 'host-phase' && host !== undefined && changing.has(host)) sink.emit(e);
    }

    const res = await applyFleet(
      toChange,
      planned,
      connections,
      applyDeps(transport, playbook, store, runId, opts, deadline),
      {
        runId,
        forks: opts.forks,
        commandTimeoutMs: opts.commandTimeout * 1000,
        canary,
        ...(batch ? { batch } : {}),
        ...(maxFail ? { maxFail } : {}),
        autoRollback: opts.autoRollback,
        rollbackRequested: () => rollbackRequested,
        ...(settle !== undefined ? { settleSeconds: settle } : {}),
        signal,
        emit: sink.emit,
        // `p` in the live view: finish this wave, then stop as cleanly as Ctrl-C would. The run is
        // recorded; running apply again continues (hosts already changed are unchanged then).
        beforeWave: async (w) => {
          if (!pauseRequested) return;
          sink.emit({ type: 'run-paused', at: new Date().toISOString(), afterWave: w - 1 });
          interrupt.trigger();
        },
      },
    );
    const counts: Partial<Record<string, number>> = {};
    for (const r of [...res.records, ...res.rolledBack])
      counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    const code = applyExitCode(res.records, res.stoppedBy !== undefined);
    sink.emit({
      type: 'run-finished',
      at: new Date().toISOString(),
      runId,
      exitCode: code,
      counts,
    });
    await sink.close();
    for (const c of connections.values()) void c.close().catch(() => undefined);
    process.stdout.write(
      `run ${runId}: ${Object.entries(counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}\n`,
    );
    if (res.stoppedBy) process.stdout.write(`stopped (${res.stoppedBy}).\n`);
    const undone = new Set(
      res.rolledBack.filter((r) => r.outcome === 'rolled_back').map((r) => r.host),
    );
    if (res.records.some((r) => r.outcome === 'changed' && !undone.has(r.host)))
      process.stdout.write(`undo with: sysfleet rollback ${runId}\n`);
    return code;
  } finally {
    await run.close();
  }
}

function reviewInput(r: HostCheckResult) {
  return r.plan
    ? { host: r.host, plan: r.plan }
    : { host: r.host, outcome: 'unreachable' as const, error: r.error?.message ?? 'unreachable' };
}

function applyDeps(
  transport: ReturnType<typeof makeTransport>,
  playbook: NonNullable<Awaited<ReturnType<typeof loadFleet>>['playbook']>,
  store: SnapshotStore,
  runId: string,
  opts: ApplyCliOptions,
  deadline: AbortSignal,
): ApplyDeps {
  const base = checkDeps(transport, playbook);
  const timeoutMs = opts.commandTimeout * 1000;
  return {
    ...base,
    findings: (_host, plan) => plan.findings,
    applyHost: async (conn, host, plan) =>
      applyOutcome(
        await applyHost(conn, plan, {
          runId,
          store,
          become: host.connection.become,
          timeoutMs,
          // Not ctx.signal (which Ctrl-C aborts): a host that started applying finishes.
          signal: deadline,
          by: operator(),
        }),
      ),
    rollbackHost: async (conn, host) => {
      const rec = await store.loadHost(runId, host.name);
      if (!rec?.snapshot)
        return {
          outcome: 'skipped',
          keys: [],
          error: 'no snapshot: this run changed nothing here',
        };
      const r = await rollbackHost(conn, rec.snapshot, rec.plan, {
        by: operator(),
        become: host.connection.become,
        timeoutMs,
      });
      await store.saveRollback(runId, host.name, r);
      return rollbackOutcome(r);
    },
  };
}
