/**
 * `sysfleet check`: the read-only compliance sweep. Loads inventory and playbook (all errors, no
 * host touched), gathers and plans every host within the deadline, then writes every report asked
 * for and exits with a Nagios-compatible code.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { buildCheckReport } from '../report/index.js';
import type { HostResult } from '../report/index.js';
import { runCheck, type HostCheckResult } from '../run/check.js';
import { doneEvent, doneRecord } from '../run/host-done.js';
import type { RunEvent } from '../run/events.js';
import { formatTimings, summarizeTimings } from '../report/timings.js';
import { VERSION } from '../version.js';
import { checkDeps } from '../run/deps.js';
import { startRun } from './fleet.js';
import { addHostOptions, type HostOptions } from './options.js';
import { eventSink, type OutputOptions } from './output.js';
import {
  addReportOutputOptions,
  writeReportOutputs,
  type ReportOutputOptions,
} from './report-outputs.js';
import { contentDigest } from '../shard/index.js';
import { addRunIdOption, addShardOption, loadPlaybookRun, type ShardOptions } from './shard.js';

interface CheckOptions
  extends HostOptions, OutputOptions, ShardOptions, Omit<ReportOutputOptions, 'events'> {
  timings: boolean;
}

export function toReportHost(r: HostCheckResult): HostResult {
  const via = r.transport ? { transport: r.transport } : {};
  if (r.facts && r.plan)
    return { host: r.host, address: r.address, ...via, facts: r.facts, plan: r.plan };
  return {
    host: r.host,
    address: r.address,
    ...via,
    error: r.error ?? { kind: 'error', message: 'no result' },
    ...(r.reachable !== undefined ? { reachable: r.reachable } : {}),
  };
}

function hostDone(r: HostCheckResult): RunEvent {
  const drift = (r.plan?.changes.length ?? 0) > 0;
  return doneEvent({
    ...doneRecord(r.host, undefined, r.error ? 'unreachable' : drift ? 'drift' : 'compliant', {
      keys: (r.plan?.changes ?? []).map((c) => ({ key: c.key, before: c.from, after: c.to })),
      ...(r.error ? { error: r.error } : {}),
    }),
    durationMs: r.durationMs,
  });
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description(
      'read-only compliance check of every host against a playbook (never changes a host)',
    )
    .argument(
      '<playbook>',
      'playbook YAML file, or a sysctl.d .conf file (checked as its targets)',
    );
  addReportOutputOptions(addHostOptions(cmd, { deadline: 120 }), 'sysfleet itself failed')
    .option('--plain', 'plain lines instead of the terminal UI', false)
    .option('--events', 'print one JSON run event per line on stdout', false)
    .option(
      '--timings',
      'print where the time went (start-up, loading, connect/kex/auth, exec, bytes, parse, plan, report, the slowest hosts) on stderr, and add it to --json',
      false,
    );
  addRunIdOption(addShardOption(cmd))
    .addHelpText(
      'after',
      '\nExit codes: 0 compliant, 1 warnings, 2 drift or critical findings, 3 unknown (unreachable hosts, errors).',
    )
    .action(async (playbookPath: string, opts: CheckOptions) => {
      process.exitCode = await check(playbookPath, opts);
    });
}

async function check(playbookPath: string, opts: CheckOptions): Promise<number> {
  const tAction = performance.now();
  const { runId, fleet, playbook } = await loadPlaybookRun(opts, playbookPath);
  const shard = fleet.slice && {
    ...fleet.slice,
    playbookDigest: contentDigest(await readFile(playbookPath)),
  };
  const tLoaded = performance.now();
  const sink = eventSink(opts, { quiet: opts.nagios, quietWhenPlain: true });
  // one command per host (the gather): over OpenSSH, no master
  const run = await startRun(opts, fleet.hosts, sink.warn, { oneCommandPerConnection: true });
  const tStarted = performance.now();
  const startedAt = new Date().toISOString();
  sink.emit({
    type: 'run-started',
    at: startedAt,
    runId,
    kind: 'check',
    playbook: playbook.name,
    hosts: fleet.hosts.map((h) => h.name),
    waves: [],
  });
  let results: HostCheckResult[];
  let tHosts = tStarted;
  try {
    results = await runCheck(fleet.hosts, checkDeps(run.transport, playbook), {
      forks: opts.forks,
      commandTimeoutMs: opts.commandTimeout * 1000,
      timeOrigin: tStarted,
      signal: run.stop,
      emit: sink.emit,
      onResult: (r) => sink.emit(hostDone(r)),
    });
    tHosts = performance.now();
  } finally {
    await run.close();
  }
  const tClosed = performance.now();
  const built = buildCheckReport({
    tool: { name: 'sysfleet', version: VERSION },
    runId,
    playbook: { name: playbook.name, source: playbook.source },
    startedAt,
    finishedAt: new Date().toISOString(),
    hosts: results.map(toReportHost),
    ...(shard ? { shard } : {}),
  });
  const tReport = performance.now();
  const timings =
    opts.timings &&
    summarizeTimings(
      {
        nodeStartMs: performance.nodeTiming.bootstrapComplete,
        moduleLoadMs: tAction - performance.nodeTiming.bootstrapComplete,
        loadMs: tLoaded - tAction,
        startRunMs: tStarted - tLoaded,
        hostsMs: tHosts - tStarted,
        closeMs: tClosed - tHosts,
        reportMs: tReport - tClosed,
        totalMs: tReport,
      },
      results,
    );
  const report = timings ? { ...built, timings } : built;
  sink.emit({
    type: 'run-finished',
    at: report.finishedAt,
    runId,
    exitCode: report.exitCode,
    counts: {},
  });
  await sink.close();
  if (timings) process.stderr.write(`${formatTimings(timings).join('\n')}\n`);
  return writeReportOutputs(report, opts);
}
