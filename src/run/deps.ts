/**
 * The real stages behind the orchestrator's deps: gather and parse facts (facts/), plan (plan/),
 * and the on-host transactions with their records in the run store (apply/). The orchestrators
 * (check.ts, apply.ts, rollback.ts) take these as parameters so tests can give their own; every
 * command that talks to hosts wires these ones.
 */
import { applyHost, rollbackHost } from '../apply/index.js';
import type { SnapshotStore } from '../apply/store.js';
import { buildGatherScript, parseGatherOutput } from '../facts/index.js';
import { gatherWantsOf, planHost } from '../plan/index.js';
import type { Playbook } from '../playbook/types.js';
import type { Transport } from '../transport/index.js';
import type { ApplyDeps } from './apply.js';
import type { CheckDeps } from './check.js';
import { applyOutcome, rollbackOutcome } from './outcome.js';

export function checkDeps(
  transport: Transport,
  playbook: Playbook | undefined,
  opts: { gatherAll?: boolean } = {},
): CheckDeps {
  // Only what the playbook's findings read (no playbook, or a fact dump: everything).
  const wants = playbook && !opts.gatherAll ? gatherWantsOf(playbook.evidence) : undefined;
  return {
    connect: (target, signal) => transport.connect(target, signal),
    gatherScript: (keys) => buildGatherScript(keys, wants),
    parseFacts: (host, stdout) => parseGatherOutput(host, stdout),
    planHost: (host, facts) =>
      planHost(facts, host.targets, {
        persistBasename: playbook?.persist ?? '60-sysfleet',
        evidence: playbook?.evidence ?? {},
        ...(playbook ? { playbook: { name: playbook.name, source: playbook.source } } : {}),
      }),
  };
}

export interface ApplyWiring {
  transport: Transport;
  playbook: Playbook;
  store: SnapshotStore;
  runId: string;
  /** Who runs this (user@host), recorded in host locks and run records. */
  by: string;
  commandTimeoutMs: number;
  /**
   * Cuts a host's transaction: the run's deadline, not Ctrl-C — a host that started applying
   * finishes, so its real outcome is recorded.
   */
  deadline: AbortSignal;
}

/** apply's deps: check's, the apply transaction, and the rollback of a host this run changed. */
export function applyDeps(w: ApplyWiring): ApplyDeps {
  const timeoutMs = w.commandTimeoutMs;
  return {
    ...checkDeps(w.transport, w.playbook),
    findings: (_host, plan) => plan.findings,
    applyHost: async (conn, host, plan) =>
      applyOutcome(
        await applyHost(conn, plan, {
          runId: w.runId,
          store: w.store,
          become: host.connection.become,
          timeoutMs,
          signal: w.deadline,
          by: w.by,
        }),
      ),
    rollbackHost: async (conn, host) => {
      const rec = await w.store.loadHost(w.runId, host.name);
      if (!rec?.snapshot)
        return {
          outcome: 'skipped',
          keys: [],
          error: 'no snapshot: this run changed nothing here',
        };
      const r = await rollbackHost(conn, rec.snapshot, rec.plan, {
        by: w.by,
        become: host.connection.become,
        timeoutMs,
      });
      await w.store.saveRollback(w.runId, host.name, r);
      return rollbackOutcome(r);
    },
  };
}
