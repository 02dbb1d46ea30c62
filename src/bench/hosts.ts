/**
 * Host state outside the measurement: put every lab host back to drift, and check what state the
 * hosts are in after a measured command — through nsenter (lab.exec), never through the tools
 * being measured.
 */
import pLimit from 'p-limit';
import type { Lab } from '../lab/index.js';
import { classify, driftScript, readScript, type HostState } from './workload.js';

const limit = pLimit(16);

async function onEvery<T>(lab: Lab, f: (host: string) => Promise<T>): Promise<T[]> {
  return Promise.all(lab.hosts.map((h) => limit(() => f(h.name))));
}

export async function prepareDrift(lab: Lab): Promise<void> {
  const results = await onEvery(lab, (h) =>
    lab.exec(h, ['sh', '-c', driftScript()], { timeoutMs: 30_000 }),
  );
  const bad = results.filter((r) => r.code !== 0);
  if (bad.length > 0)
    throw new Error(`drift failed on ${bad.length} hosts: ${bad[0]!.stderr.trim()}`);
}

/** How many hosts are in each state. */
export async function hostStates(lab: Lab): Promise<Record<HostState, number>> {
  const out: Record<HostState, number> = { target: 0, drift: 0, mixed: 0 };
  const results = await onEvery(lab, (h) =>
    lab.exec(h, ['sh', '-c', readScript()], { timeoutMs: 30_000 }),
  );
  for (const r of results) out[classify(r.stdout)]++;
  return out;
}
