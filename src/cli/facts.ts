/**
 * `sysfleet facts`: gather and print what each host's kernel and files say, as JSON — the same
 * one-exec gather that check uses, without judging anything.
 */
import { Command } from 'commander';
import { readExitCode } from '../run/exit-codes.js';
import { INCIDENT_SYSCTLS } from '../sysctl/known-sysctls.js';
import type { Target } from '../playbook/types.js';
import { runCheck } from '../run/check.js';
import { checkDeps } from '../run/deps.js';
import { loadFleet, startRun } from './fleet.js';
import { addHostOptions, type HostOptions } from './options.js';
import { addShardOption, shardFleet, shardSpec, type ShardOptions } from './shard.js';

interface FactsOptions extends HostOptions, ShardOptions {
  playbook?: string;
  keys?: string;
}

export function registerFacts(program: Command): void {
  const cmd = program
    .command('facts')
    .description(
      "gather each host's sysctls, sysctl.d files and socket evidence, and print them as JSON (read-only)",
    );
  addHostOptions(cmd, { deadline: 120 })
    .option('-p, --playbook <file>', "read the playbook's keys (default: the incident keys)")
    .option('--keys <list>', 'comma-separated keys to read instead');
  addShardOption(cmd).action(async (opts: FactsOptions) => {
    const fleet = shardFleet(await loadFleet(opts, opts.playbook), shardSpec(opts));
    const keys = opts.keys
      ? opts.keys
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean)
      : INCIDENT_SYSCTLS;
    const anyValue: Target = { kind: 'one_of', values: [], set: '' };
    const hosts = fleet.hosts.map((h) =>
      opts.playbook ? h : { ...h, targets: Object.fromEntries(keys.map((k) => [k, anyValue])) },
    );
    const run = await startRun(opts, fleet.hosts, (l) => process.stderr.write(`${l}\n`), {
      oneCommandPerConnection: true,
    });
    try {
      // a fact dump: every section, whatever the playbook's findings read
      const deps = checkDeps(run.transport, fleet.playbook, { gatherAll: true });
      const results = await runCheck(hosts, deps, {
        forks: opts.forks,
        commandTimeoutMs: opts.commandTimeout * 1000,
        signal: run.stop,
        emit: () => undefined,
      });
      const out = Object.fromEntries(results.map((r) => [r.host, r.facts ?? { error: r.error }]));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      process.exitCode = readExitCode(results.some((r) => r.error));
    } finally {
      await run.close();
    }
  });
}
