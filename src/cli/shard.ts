/**
 * `--shard K/N|auto` and `--run-id`, shared by check, apply, facts, rollback and inventory list:
 * one helper each command calls, so the option is spelled, parsed and applied the same way.
 * The pure parts (hashing, parsing, run id) live in src/shard/.
 */
import type { Command } from 'commander';
import {
  fleetDigest,
  formatShard,
  parseShardSpec,
  selectShard,
  sharedRunId,
  type FleetMember,
  type ShardSpec,
} from '../shard/index.js';
import { newRunId } from '../run/store.js';
import type { ShardInfo } from '../report/types.js';
import { loadFleet, type Fleet } from './fleet.js';
import type { HostOptions } from './options.js';

export interface ShardOptions {
  shard?: string;
  runId?: string;
}

export function addShardOption(cmd: Command): Command {
  return cmd.option(
    '--shard <K/N|auto>',
    'only the hosts of shard K (0..N-1) of N, by rendezvous hashing of the host name; ' +
      '"auto" reads JOB_COMPLETION_INDEX and SYSFLEET_SHARDS (a Kubernetes Indexed Job)',
  );
}

export function addRunIdOption(cmd: Command): Command {
  return cmd.option(
    '--run-id <id>',
    'run id shared by all shards of one run (default $SYSFLEET_RUN_ID, or derived from the Kubernetes Job)',
  );
}

export function shardSpec(
  opts: ShardOptions,
  env: Record<string, string | undefined> = process.env,
): ShardSpec | undefined {
  return opts.shard === undefined ? undefined : parseShardSpec(opts.shard, env);
}

/**
 * The run id: the shared one when given or derivable; a sharded run without one is refused
 * (its shards could not be told apart from another run's), an unsharded one gets a new id.
 */
export function runIdFor(
  opts: ShardOptions,
  spec: ShardSpec | undefined,
  env: Record<string, string | undefined> = process.env,
): string {
  const shared = sharedRunId(opts.runId, env);
  if (shared) return shared;
  if (!spec) return newRunId();
  throw new Error(
    `--shard ${formatShard(spec)}: every shard of one run needs the same run id: pass --run-id ` +
      `(e.g. --run-id ${newRunId()} to each shard) or set SYSFLEET_RUN_ID; in a Kubernetes Job the ` +
      'manifests set SYSFLEET_JOB_NAME and SYSFLEET_JOB_UID (deploy/kubernetes/)',
  );
}

export interface ShardedFleet extends Fleet {
  /** Set when the fleet was cut: the slice metadata a shard report carries (playbookDigest filled by check). */
  slice?: Omit<ShardInfo, 'playbookDigest'>;
}

/** Every selected host of the whole fleet with its address, and the digest shards compare. */
export function wholeFleet(fleet: Fleet): { digest: string; hosts: FleetMember[] } {
  const hosts = fleet.hosts.map((h) => ({
    name: h.name,
    address: h.connection.address,
    port: h.connection.port,
  }));
  return { digest: fleetDigest(hosts), hosts };
}

/** The fleet cut down to one shard (all of it without --shard). */
export function shardFleet(fleet: Fleet, spec: ShardSpec | undefined): ShardedFleet {
  if (!spec) return fleet;
  const whole = wholeFleet(fleet);
  const { hosts, positions } = selectShard(fleet.hosts, spec);
  return {
    ...fleet,
    hosts,
    slice: {
      index: spec.index,
      count: spec.count,
      fleet: { hosts: whole.hosts.length, digest: whole.digest },
      positions,
    },
  };
}

/**
 * What check and apply start from: the run id, the whole fleet with its playbook (every input
 * error before any host is touched; no host selected is an error), and this shard's slice of it.
 */
export async function loadPlaybookRun(
  opts: HostOptions & ShardOptions,
  playbookPath: string,
): Promise<{ runId: string; fleet: ShardedFleet; playbook: NonNullable<Fleet['playbook']> }> {
  const spec = shardSpec(opts);
  const runId = runIdFor(opts, spec);
  const whole = await loadFleet(opts, playbookPath);
  if (whole.hosts.length === 0)
    throw new Error(`no hosts match${opts.limit ? ` --limit ${opts.limit}` : ''}`);
  // A shard may own no host at all (small fleet, many shards): it still runs and reports, so
  // a merge is whole; --canary, --batch and --max-fail apply within the slice (docs/fleet-scale.md).
  return { runId, fleet: shardFleet(whole, spec), playbook: whole.playbook! };
}
