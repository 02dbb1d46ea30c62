/**
 * Integration tests run against real OpenSSH hosts in namespaces (src/lab). This setup checks the
 * machine can host a lab and tells test files through `inject('labAvailable')`; in CI a missing
 * prerequisite fails the run instead of skipping. Teardown removes the labs THIS run made (their
 * owner file names this run), also when tests failed; labs of crashed earlier runs (owner PID
 * gone) are removed at setup. Concurrent runs' labs are never touched.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { labDirs, labDown, labOwner, LAB_ROOT } from '../../src/lab/index.js';
import { labNeeds } from '../../src/lab/prereqs.js';

declare module 'vitest' {
  export interface ProvidedContext {
    labAvailable: boolean;
    labMissing: string[];
    labOwner: string;
  }
}

const OWNER_PREFIX = 'vitest-';

function missingPrerequisites(): string[] {
  if (process.env['SYSFLEET_LAB'] === 'off') return ['lab (SYSFLEET_LAB=off)'];
  // The same list `sysfleet lab up` checks before it creates anything.
  return labNeeds().map((m) => `${m.what}${m.package ? ` (${m.package})` : ''}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Labs whose owner is this run (or, with `stale`, a test run whose process is gone). */
function ownedLabs(owner: string, stale: boolean): string[] {
  return labDirs().filter((name) => {
    const o = labOwner(join(LAB_ROOT, name));
    if (o === owner) return true;
    if (!stale || !o?.startsWith(OWNER_PREFIX)) return false;
    const pid = Number(o.slice(OWNER_PREFIX.length).split('-')[0]);
    return Number.isInteger(pid) && !pidAlive(pid);
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = missingPrerequisites();
  const owner = `${OWNER_PREFIX}${process.pid}-${Date.now().toString(36)}`;
  if (missing.length > 0) {
    const msg = `sysfleet lab unavailable, missing: ${missing.join(', ')} (install: bash scripts/setup.sh --test; run as root)`;
    if (process.env['CI'] === 'true') throw new Error(msg);
    process.stderr.write(
      `\n${'!'.repeat(78)}\n!! ${msg}\n!! Integration tests that need the lab are SKIPPED.\n${'!'.repeat(78)}\n\n`,
    );
  } else {
    for (const name of ownedLabs(owner, true)) await labDown(name).catch(() => undefined);
  }
  project.provide('labAvailable', missing.length === 0);
  project.provide('labMissing', missing);
  project.provide('labOwner', owner);
  return async () => {
    if (missing.length > 0) return;
    for (const name of ownedLabs(owner, false)) {
      await labDown(name).catch((err: unknown) => {
        process.stderr.write(`lab teardown of ${name} failed: ${String(err)}\n`);
      });
    }
  };
}
