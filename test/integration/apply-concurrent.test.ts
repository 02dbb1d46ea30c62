/**
 * Two `sysfleet apply` runs on overlapping hosts at the same time. Made deterministic: run A's
 * connections to the shared hosts get +500 ms latency each way, and A is frozen (SIGSTOP, by its
 * PID) the moment those hosts wrote their snapshot — they now hold the host lock, waiting for A's
 * `go`, which A has not even received the snapshot to send. Run B then finds the lock: refused
 * per host, naming A's run. A resumes and finishes. Every host ends applied exactly once and both
 * runs are recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PLAYBOOK,
  PLAYBOOK_VALUES,
  cli,
  controlNode,
  fleetState,
  hostFinal,
  labArgs,
  labName,
  runIdOf,
  startCli,
  storedRun,
  sysfleetFiles,
  waitFor,
  type CliProcess,
  type ControlNode,
} from './support/fleet-state.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';

const SHARED = ['h04', 'h05', 'h06'];

describe.skipIf(!labAvailable)('two concurrent applies on overlapping hosts', () => {
  let lab: Lab;
  let ctl: ControlNode;
  let a: CliProcess | undefined;

  beforeAll(async () => {
    lab = await labUp({ name: labName('apconc'), hosts: 8 });
    ctl = await controlNode(lab);
  }, 60_000);
  afterAll(async () => {
    if (a && a.child.exitCode === null && a.child.signalCode === null) {
      a.child.kill('SIGCONT');
      a.child.kill('SIGKILL');
    }
    await lab?.down();
    await ctl?.cleanup();
  }, 60_000);

  it('refuses the second per host with the lock named, and loses nothing', async () => {
    for (const h of SHARED) await lab.latency(h, 500);
    a = startCli(ctl, [
      'apply',
      ...labArgs(lab),
      PLAYBOOK,
      '--yes',
      '--plain',
      '--limit',
      'h01:h02:h03:h04:h05:h06',
    ]);
    const snapped = async (h: string) => (await sysfleetFiles(lab, h, 'snapshots')).length > 0;
    const held = await waitFor(
      async () => (await Promise.all(SHARED.map(snapped))).every(Boolean),
      60_000,
      10,
    );
    a.child.kill('SIGSTOP');
    expect(held, 'run A never snapshotted the shared hosts').toBe(true);
    for (const h of SHARED) await lab.latency(h, 0);
    // A's go cannot have reached the shared hosts: no worker result there yet
    for (const h of SHARED) expect(await sysfleetFiles(lab, h, 'results'), h).toEqual([]);

    const b = await cli(ctl, [
      'apply',
      ...labArgs(lab),
      PLAYBOOK,
      '--yes',
      '--plain',
      '--limit',
      'h04:h05:h06:h07:h08',
    ]);
    a.child.kill('SIGCONT');
    const ra = await a.done;

    expect(ra.code, ra.stdout + ra.stderr).toBe(0);
    const runA = runIdOf(ra.stdout);
    expect(ra.stdout).toContain('6 changed');
    expect(b.code, b.stdout + b.stderr).toBe(2);
    const runB = runIdOf(b.stdout);
    expect(runB).not.toBe(runA);
    expect(b.stdout).toMatch(/2 changed/);
    for (const h of SHARED) expect(b.stderr).toMatch(new RegExp(`${h}.*locked by run ${runA}`));

    const storedA = await storedRun(ctl, runA);
    const storedB = await storedRun(ctl, runB);
    for (const h of ['h01', 'h02', 'h03', ...SHARED])
      expect(storedA.outcomes[h]?.state, h).toBe('changed');
    for (const h of SHARED) {
      expect(storedB.outcomes[h]?.state, h).toBe('locked');
      expect(storedB.outcomes[h]?.reason, h).toContain(runA);
    }
    for (const h of ['h07', 'h08']) expect(storedB.outcomes[h]?.state, h).toBe('changed');

    // Exactly one apply changed each host (the host's own records), and all are at the targets.
    const names = lab.hosts.map((h) => h.name);
    for (const h of names) {
      const finals = await Promise.all([hostFinal(lab, h, runA), hostFinal(lab, h, runB)]);
      expect(finals.filter((f) => f?.state === 'changed').length, h).toBe(1);
      expect(await sysfleetFiles(lab, h, 'snapshots'), h).toHaveLength(1);
    }
    const state = await fleetState(lab, names);
    for (const h of names) expect(state[h]!.runtime, h).toEqual(PLAYBOOK_VALUES);

    const runs = await cli(ctl, ['runs']);
    expect(runs.stdout).toContain(runA);
    expect(runs.stdout).toContain(runB);
  }, 150_000);
});
