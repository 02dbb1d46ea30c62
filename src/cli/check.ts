/**
 * `sysfleet check`: the read-only compliance sweep. Loads inventory and playbook (all errors, no
 * host touched), gathers and plans every host within the deadline, then writes every report asked
 * for and exits with a Nagios-compatible code.
 */
import { Command } from 'commander';
import { newRunId } from '../apply/run-id.js';
import {
  buildCheckReport,
  renderJson,
  renderJunit,
  renderNagios,
  renderPrometheus,
  renderText,
} from '../report/index.js';
import type { HostResult } from '../report/index.js';
import { runCheck, type HostCheckResult } from '../run/check.js';
import type { RunEvent } from '../run/events.js';
import { VERSION } from '../version.js';
import { checkDeps, loadFleet, startRun } from './fleet.js';
import { addHostOptions, type HostOptions } from './options.js';
import { eventSink, type OutputOptions } from './output.js';
import { writeFileAtomic } from './write-atomic.js';

interface CheckOptions extends HostOptions, OutputOptions {
  json?: string;
  junit?: string;
  prometheus?: string;
  nagios: boolean;
  detail: boolean;
  exitZero: boolean;
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
  return {
    type: 'host-done',
    at: new Date().toISOString(),
    host: r.host,
    outcome: r.error ? 'unreachable' : drift ? 'drift' : 'compliant',
    keys: (r.plan?.changes ?? []).map((c) => ({ key: c.key, before: c.from, after: c.to })),
    ...(r.error ? { error: r.error.message } : {}),
    durationMs: r.durationMs,
  };
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description(
      'read-only compliance check of every host against a playbook (never changes a host)',
    )
    .argument('<playbook>', 'playbook YAML file');
  addHostOptions(cmd, { deadline: 120 })
    .option('--json <file>', 'write the JSON report (schemas/report.schema.json)')
    .option('--junit <file>', 'write a JUnit XML report (one testcase per host and key)')
    .option('--prometheus <file>', 'write node_exporter textfile metrics (atomically)')
    .option('--nagios', 'print one Nagios status line with perfdata instead of the summary', false)
    .option('--detail', 'print per-host detail after the summary', false)
    .option('--exit-zero', 'exit 0 whatever the outcome, unless sysfleet itself failed', false)
    .option('--plain', 'plain lines instead of the terminal UI', false)
    .option('--events', 'print one JSON run event per line on stdout', false)
    .addHelpText(
      'after',
      '\nExit codes: 0 compliant, 1 warnings, 2 drift or critical findings, 3 unknown (unreachable hosts, errors).',
    )
    .action(async (playbookPath: string, opts: CheckOptions) => {
      process.exitCode = await check(playbookPath, opts);
    });
}

async function check(playbookPath: string, opts: CheckOptions): Promise<number> {
  const fleet = await loadFleet(opts, playbookPath);
  const playbook = fleet.playbook!;
  if (fleet.hosts.length === 0)
    throw new Error(`no hosts match${opts.limit ? ` --limit ${opts.limit}` : ''}`);
  const sink = eventSink(opts, { quiet: opts.nagios, quietWhenPlain: true });
  const run = await startRun(opts, fleet.hosts, sink.warn);
  const runId = newRunId();
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
  try {
    results = await runCheck(fleet.hosts, checkDeps(run.transport, playbook), {
      forks: opts.forks,
      commandTimeoutMs: opts.commandTimeout * 1000,
      signal: run.stop,
      emit: sink.emit,
      onResult: (r) => sink.emit(hostDone(r)),
    });
  } finally {
    await run.close();
  }
  const report = buildCheckReport({
    tool: { name: 'sysfleet', version: VERSION },
    runId,
    playbook: { name: playbook.name, source: playbook.source },
    startedAt,
    finishedAt: new Date().toISOString(),
    hosts: results.map(toReportHost),
  });
  sink.emit({
    type: 'run-finished',
    at: report.finishedAt,
    runId,
    exitCode: report.exitCode,
    counts: {},
  });
  await sink.close();

  const writes: Promise<void>[] = [];
  if (opts.json) writes.push(writeFileAtomic(opts.json, renderJson(report)));
  if (opts.junit) writes.push(writeFileAtomic(opts.junit, renderJunit(report)));
  if (opts.prometheus) writes.push(writeFileAtomic(opts.prometheus, renderPrometheus(report)));
  await Promise.all(writes);
  if (opts.nagios) process.stdout.write(renderNagios(report));
  else if (!opts.events) process.stdout.write(renderText(report, { detail: opts.detail }));
  return opts.exitZero ? 0 : report.exitCode;
}
