/**
 * `sysfleet rollback [RUN|latest]`: the 3 a.m. command. Restores the runtime values and files
 * that a run's snapshots recorded, on every host the run touched, with no fact gathering and the
 * widest concurrency; unreachable hosts are listed with a command that retries just them.
 * `--from-hosts` reads the snapshots kept on the hosts when this workstation's store is gone.
 *
 * On a terminal it first shows what goes back to what, on how many hosts, and which hosts cannot
 * be reached now, and asks; `--yes` skips that for scripts, `--dry-run` only shows it. Without a
 * terminal and without --yes it refuses before touching anything: an emergency script is one
 * flag away, and a rollback never happens by accident.
 */
import { Command } from 'commander';
import {
  listHostSnapshots,
  openStore,
  readHostSnapshot,
  rollbackHost,
  rollbackOutcome,
  type HostRecord,
} from '../apply/index.js';
import type { HostApplyRecord } from '../run/apply.js';
import type { RunHost } from '../run/check.js';
import { runPool } from '../run/pool.js';
import { rollbackExitCode } from '../run/exit-codes.js';
import { retryCommand, runRollback, type RollbackDeps } from '../run/rollback.js';
import { loadFleet, makeTransport, operator, startRun } from './fleet.js';
import { addHostOptions, type HostOptions } from './options.js';
import { eventSink, outputMode, type OutputOptions } from './output.js';
import { loadUi } from './load-ui.js';
import { addShardOption, shardFleet, shardSpec, type ShardOptions } from './shard.js';
import { globToRegExp } from '../apply/rollback-plan.js';
import type { Snapshot } from '../apply/types.js';
import type { Connection } from '../transport/types.js';
import { formatGroup } from '../ui/group.js';
import type { PlanReview } from '../ui/review.js';
import type { ReviewWording } from '../ui/PlanReview.js';
import {
  buildRollbackReview,
  rollbackWording,
  type RollbackReviewInput,
} from '../ui/rollback-review.js';

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
  let runId: string | undefined;
  let records: Record<string, HostRecord> = {};
  if (!opts.fromHosts) {
    runId = await store.resolveRunId(ref, 'apply');
    const loaded = await store.loadRun(runId);
    records = loaded.hosts;
    if (opts.inventory.length === 0) opts.inventory = loaded.run.inventorySources;
  } else if (opts.inventory.length === 0) {
    throw new Error('--from-hosts needs the inventory (-i): the hosts are where the snapshots are');
  }
  const fleet = shardFleet(await loadFleet(opts), shardSpec(opts));
  const warn = (l: string) => process.stderr.write(`${l}\n`);
  const run = await startRun(opts, fleet.hosts, warn);
  const { interrupt, transport } = run;
  const timeoutMs = opts.commandTimeout * 1000;
  const by = operator();
  try {
    let hosts: RunHost[];
    if (opts.fromHosts) {
      ({ runId, hosts } = await findOnHosts(ref, fleet.hosts, transport, opts, run.stop));
    } else {
      const touched = new Set(
        Object.values(records)
          .filter((r) => r.snapshot)
          .map((r) => r.host),
      );
      const known = new Set(fleet.hosts.map((h) => h.name));
      for (const name of touched) {
        if (!known.has(name) && !opts.limit && !opts.shard)
          warn(`warning: ${name} has a snapshot in run ${runId} but is not in the inventory`);
      }
      hosts = fleet.hosts.filter((h) => touched.has(h.name));
    }
    if (!runId) throw new Error('no run to roll back');
    const id = runId;
    const preflight = async (list: RunHost[], runIdToRead: string) => {
      const connections = new Map<string, Connection>();
      const snapshots = new Map<string, Snapshot>();
      const done = await runPool(
        list,
        opts.forks,
        async (h): Promise<RollbackReviewInput> => {
          try {
            const conn = await transport.connect(h.connection, run.deadline);
            connections.set(h.name, conn);
            if (!opts.fromHosts) return { host: h.name, snapshot: records[h.name]?.snapshot };
            const snapshot = await readHostSnapshot(conn, runIdToRead, {
              become: h.connection.become,
              timeoutMs,
            });
            if (snapshot) snapshots.set(h.name, snapshot);
            return { host: h.name, snapshot };
          } catch (err) {
            return { host: h.name, unreachable: err instanceof Error ? err.message : String(err) };
          }
        },
        { signal: run.stop },
      );
      const inputs = done.map((d, i) =>
        d.started ? d.value : { host: list[i]!.name, unreachable: 'not tried (interrupted)' },
      );
      return { inputs, connections, snapshots };
    };
    if (hosts.length === 0) {
      process.stdout.write(
        `run ${id}: no host to roll back${opts.limit ? ` within --limit ${opts.limit}` : ''}.\n`,
      );
      return 0;
    }
    // The review: every host connected first (the connections are kept for the rollback), so it
    // can say which hosts are unreachable now, and what each snapshot puts back.
    const reviewed = opts.yes && !opts.dryRun ? undefined : await preflight(hosts, id);
    if (reviewed) {
      const keyFilter = opts.keys.length ? keyMatcher(opts.keys) : undefined;
      const review = buildRollbackReview(reviewed.inputs, keyFilter);
      const wording = rollbackWording(id, review);
      const confirmed = opts.dryRun
        ? (printReview(review, wording), false)
        : await (await loadUi()).renderPlanReview(review, { wording });
      if (!confirmed) {
        for (const c of reviewed.connections.values()) void c.close().catch(() => undefined);
        if (!opts.dryRun) process.stdout.write('not rolled back.\n');
        return 0;
      }
    }
    const sink = eventSink(opts, {
      callbacks: { onAbort: interrupt.trigger, onQuit: interrupt.trigger },
    });
    sink.emit({
      type: 'run-started',
      at: new Date().toISOString(),
      runId: id,
      kind: 'rollback',
      hosts: hosts.map((h) => h.name),
      waves: [hosts.map((h) => h.name)],
    });
    const deps: RollbackDeps = {
      // The connection lives until the deadline, not Ctrl-C: it carries a restore under way.
      // A host the review connected to is rolled back over that connection.
      connect: (target) => {
        const open = reviewed?.connections.get(target.name);
        reviewed?.connections.delete(target.name);
        return open ? Promise.resolve(open) : transport.connect(target, run.deadline);
      },
      rollbackHost: async (conn, host) => {
        const rec = records[host.name];
        const snapshot = opts.fromHosts
          ? (reviewed?.snapshots.get(host.name) ??
            (await readHostSnapshot(conn, id, { become: host.connection.become, timeoutMs })))
          : rec?.snapshot;
        if (!snapshot)
          return { outcome: 'skipped', keys: [], error: `no snapshot of run ${id} on this host` };
        const r = await rollbackHost(conn, snapshot, opts.fromHosts ? undefined : rec?.plan, {
          by,
          ...(opts.keys.length ? { keyGlobs: opts.keys } : {}),
          force: opts.force,
          become: host.connection.become,
          timeoutMs,
          // A restore under way finishes after Ctrl-C (only the deadline cuts it): half a restore
          // would leave the host neither as the run left it nor as it was.
          signal: run.deadline,
        });
        if (!opts.fromHosts) await store.saveRollback(id, host.name, r);
        return rollbackOutcome(r);
      },
    };
    const results = await runRollback(hosts, deps, {
      runId: id,
      forks: opts.forks,
      signal: run.stop,
      emit: sink.emit,
    });
    const counts: Partial<Record<string, number>> = {};
    for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    const code = rollbackExitCode(results);
    sink.emit({
      type: 'run-finished',
      at: new Date().toISOString(),
      runId: id,
      exitCode: code,
      counts,
    });
    await sink.close();
    printSummary(id, results, opts);
    return code;
  } finally {
    await run.close();
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

/** --from-hosts: list the snapshots on every host, resolve `latest` fleet-wide, keep the hosts that have it. */
async function findOnHosts(
  ref: string,
  hosts: RunHost[],
  transport: ReturnType<typeof makeTransport>,
  opts: RollbackCliOptions,
  signal: AbortSignal,
): Promise<{ runId: string | undefined; hosts: RunHost[] }> {
  const timeoutMs = opts.commandTimeout * 1000;
  const listed = await runPool(
    hosts,
    opts.forks,
    async (h) => {
      try {
        const conn = await transport.connect(h.connection, signal);
        try {
          return await listHostSnapshots(conn, { become: h.connection.become, timeoutMs });
        } finally {
          await conn.close();
        }
      } catch {
        return undefined; // unreachable now: kept, so the rollback run reports it with a retry command
      }
    },
    { signal },
  );
  const ids = new Set<string>();
  for (const l of listed) if (l.started && l.value) for (const e of l.value) ids.add(e.runId);
  const runId = ref === 'latest' ? [...ids].sort().at(-1) : ref;
  if (!runId) return { runId, hosts: [] };
  const keep = hosts.filter((_, i) => {
    const l = listed[i];
    return !l?.started || !l.value || l.value.some((e) => e.runId === runId);
  });
  return { runId, hosts: keep };
}

function keyMatcher(globs: readonly string[]): (key: string) => boolean {
  const res = globs.map(globToRegExp);
  return (key) => res.some((re) => re.test(key));
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
