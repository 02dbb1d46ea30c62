/**
 * `sysfleet runs`: what ran, when, and how each host ended; `runs show RUN` for one run's hosts;
 * `runs collect RUN` asks hosts whose outcome is unknown (connection lost after `go`) what their
 * detached apply did.
 */
import { Command } from 'commander';
import { collectOutcomes, unknownHosts } from '../run/collect.js';
import { readExitCode } from '../run/exit-codes.js';
import {
  openStore,
  parseDuration,
  pruneRuns,
  type HostRecord,
  type RunRecord,
} from '../run/store.js';
import { loadFleet, startRun } from './fleet.js';
import { addHostOptions, type HostOptions } from './options.js';

/** Outcome counts of a run as "3 changed, 1 reverted". Pure. */
export function outcomeCounts(run: RunRecord): string {
  const counts = new Map<string, number>();
  for (const o of Object.values(run.outcomes)) counts.set(o.state, (counts.get(o.state) ?? 0) + 1);
  const pending = run.hosts.length - Object.keys(run.outcomes).length;
  if (pending > 0) counts.set('with their outcome only on the host', pending);
  const text = [...counts].map(([k, v]) => `${v} ${k}`).join(', ') || 'no hosts';
  return pending > 0 || counts.has('unknown')
    ? `${text} (learn them: sysfleet runs collect ${run.id})`
    : text;
}

/**
 * What the control node knows of a host whose outcome it did not record (the run was killed, or
 * the connection dropped after go), and how to learn the rest.
 */
export function unrecordedHost(run: RunRecord, rec: HostRecord | undefined): string {
  const collect = `sysfleet runs collect ${run.id}`;
  if (rec?.snapshot) {
    const at = rec.snapshot.takenAt
      ? ` at ${new Date(rec.snapshot.takenAt * 1000).toISOString()}`
      : '';
    return `not recorded here: the host sent its snapshot${at} and it was stored, so it may have been told go; its result is on the host — ${collect}`;
  }
  return `not recorded here: no snapshot was stored, so the host was never told go and nothing changed there — ${collect} confirms it`;
}

/**
 * `runs` has --json and --state-dir of its own, and commander gives them to `runs` even when they
 * follow a subcommand (`runs show X --json --state-dir D`): read them from either command.
 */
function withParent<T extends { stateDir?: string; json?: boolean }>(own: T, cmd: Command): T {
  const parent = (cmd.parent?.opts() ?? {}) as { stateDir?: string; json?: boolean };
  const stateDir = own.stateDir ?? parent.stateDir;
  return {
    ...own,
    ...(stateDir !== undefined ? { stateDir } : {}),
    ...(own.json !== undefined || parent.json !== undefined
      ? { json: Boolean(own.json || parent.json) }
      : {}),
  };
}

export function registerRuns(program: Command): void {
  const runs = program
    .command('runs')
    .description(
      'list recorded runs; `runs show RUN` for one; `runs collect RUN` to learn unknown outcomes',
    )
    .option(
      '--state-dir <dir>',
      'where runs are kept (default $SYSFLEET_STATE_DIR or ~/.local/state/sysfleet)',
    )
    .option('--json', 'print JSON', false)
    .action(async (opts: { stateDir?: string; json: boolean }) => {
      const list = await openStore(opts.stateDir).listRuns();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      if (list.length === 0) {
        process.stdout.write('no runs recorded\n');
        return;
      }
      for (const r of list) {
        process.stdout.write(
          `${r.id}  ${r.kind.padEnd(8)}  ${r.createdAt}  ${r.playbook ?? '-'}  ${r.hosts.length} hosts: ${outcomeCounts(r)}\n`,
        );
      }
    });

  runs
    .command('show')
    .description('one run: options and every host with its outcome')
    .argument('[run]', 'run id or "latest"', 'latest')
    .option('--state-dir <dir>', 'where runs are kept')
    .option('--json', 'print JSON', false)
    .action(async (ref: string, own: { stateDir?: string; json: boolean }, cmd: Command) => {
      const opts = withParent(own, cmd);
      const store = openStore(opts.stateDir);
      const loaded = await store.loadRun(await store.resolveRunId(ref));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(loaded, null, 2)}\n`);
        return;
      }
      const { run } = loaded;
      const lines = [
        `run ${run.id} (${run.kind}) at ${run.createdAt}`,
        `playbook: ${run.playbook ?? '-'}; inventory: ${run.inventorySources.join(', ') || '-'}`,
        `options: ${JSON.stringify(run.options)}`,
        `hosts: ${outcomeCounts(run)}`,
      ];
      for (const h of run.hosts) {
        const o = run.outcomes[h];
        const rec = loaded.hosts[h];
        const keys = (rec?.result?.keys ?? []).map(
          (k) => `${k.key} ${k.before ?? '?'} → ${k.after ?? '?'}${k.error ? ` (${k.error})` : ''}`,
        );
        lines.push(
          `  ${h}: ${o ? `${o.state}${o.reason ? ` — ${o.reason}` : ''}` : unrecordedHost(run, rec)}`,
        );
        for (const k of keys) lines.push(`      ${k}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  runs
    .command('prune')
    .description(
      'delete recorded runs beyond the newest N and/or older than D; never an apply that changed hosts and was not rolled back',
    )
    .option('--keep <n>', 'keep at least the newest N runs', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`--keep: a whole number, got "${v}"`);
      return n;
    })
    .option(
      '--older-than <duration>',
      'only runs older than this, e.g. 30d, 12h, 2w',
      (v: string) => {
        const ms = parseDuration(v);
        if (ms === undefined)
          throw new Error(`--older-than: a duration like 30d, 12h, 2w, got "${v}"`);
        return ms;
      },
    )
    .option('--dry-run', 'list what would go, delete nothing', false)
    .option('--state-dir <dir>', 'where runs are kept')
    .action(
      async (
        own: { keep?: number; olderThan?: number; dryRun: boolean; stateDir?: string },
        cmd: Command,
      ) => {
        const opts = withParent(own, cmd);
        if (opts.keep === undefined && opts.olderThan === undefined) {
          throw new Error('runs prune: give --keep N, --older-than D or both');
        }
        const { gone, kept, pinned } = await pruneRuns(
          openStore(opts.stateDir),
          {
            ...(opts.keep !== undefined ? { keep: opts.keep } : {}),
            ...(opts.olderThan !== undefined ? { olderThanMs: opts.olderThan } : {}),
          },
          { dryRun: opts.dryRun, now: Date.now() },
        );
        for (const id of gone)
          process.stdout.write(`${opts.dryRun ? 'would delete' : 'deleted'} ${id}\n`);
        process.stdout.write(
          `${gone.length} run(s) ${opts.dryRun ? 'to delete' : 'deleted'}, ${kept} kept` +
            (pinned ? ` (${pinned} hold the only snapshot of a change not rolled back)` : '') +
            '\n',
        );
      },
    );

  const collect = runs
    .command('collect')
    .description(
      'ask hosts whose outcome is unknown (connection lost mid-apply) what their apply did',
    )
    .argument('[run]', 'run id or "latest"', 'latest')
    .option('--state-dir <dir>', 'where runs are kept');
  addHostOptions(collect, { deadline: 300, inventoryOptional: true }).action(
    async (ref: string, own: HostOptions & { stateDir?: string }, cmd: Command) => {
      const opts = withParent(own, cmd);
      const store = openStore(opts.stateDir);
      const runId = await store.resolveRunId(ref, 'apply');
      const { run } = await store.loadRun(runId);
      const unknown = unknownHosts(run);
      if (unknown.length === 0) {
        process.stdout.write(`run ${runId}: every host's outcome is known\n`);
        return;
      }
      if (opts.inventory.length === 0) opts.inventory = run.inventorySources;
      const fleet = await loadFleet(opts);
      const hosts = fleet.hosts.filter((h) => unknown.includes(h.name));
      const ctl = await startRun(opts, fleet.hosts, (l) => process.stderr.write(`${l}\n`));
      try {
        const done = await collectOutcomes(
          {
            runId,
            transport: ctl.transport,
            store,
            forks: opts.forks,
            commandTimeoutMs: opts.commandTimeout * 1000,
            stop: ctl.stop,
            deadline: ctl.deadline,
          },
          hosts,
          (c) => process.stdout.write(`${c.host}: ${c.state}${c.reason ? ` — ${c.reason}` : ''}\n`),
        );
        process.exitCode = readExitCode(done.some((c) => c.state === 'unreachable'));
      } finally {
        await ctl.close();
      }
    },
  );
}
