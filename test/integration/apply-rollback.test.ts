/**
 * `sysfleet apply` then `sysfleet rollback latest` on 50 lab hosts, judged from outside sysfleet:
 * runtime values (cat in the host's netns) and every sysctl directory entry (sha256, mode, owner)
 * are byte-identical to before; a second rollback changes nothing and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PERSIST_FILE,
  PLAYBOOK,
  PLAYBOOK_VALUES,
  cli,
  controlNode,
  fleetState,
  labArgs,
  labName,
  runIdOf,
  storedRun,
  type ControlNode,
  type HostState,
} from './support/fleet-state.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';

const HOSTS = 50;

describe.skipIf(!labAvailable)('apply then rollback on 50 hosts', () => {
  let lab: Lab;
  let ctl: ControlNode;
  let names: string[];
  let before: Record<string, HostState>;

  beforeAll(async () => {
    lab = await labUp({ name: labName('aprb50'), hosts: HOSTS });
    ctl = await controlNode(lab);
    names = lab.hosts.map((h) => h.name);
    before = await fleetState(lab, names);
  }, 120_000);

  afterAll(async () => {
    await lab?.down();
    await ctl?.cleanup();
  }, 60_000);

  it('restores every host byte for byte, and a second rollback changes nothing', async () => {
    const applied = await cli(ctl, ['apply', ...labArgs(lab), PLAYBOOK, '--yes', '--plain']);
    expect(applied.code, applied.stderr).toBe(0);
    const runId = runIdOf(applied.stdout);
    expect(applied.stdout).toContain(`${HOSTS} changed`);

    // The apply really happened, on every host, at runtime and in /etc/sysctl.d.
    const during = await fleetState(lab, names);
    for (const h of names) {
      expect(during[h]!.runtime, h).toEqual(PLAYBOOK_VALUES);
      expect(during[h]!.files[PERSIST_FILE], h).toMatch(/^file 644 0:0 sha256:/);
      expect(during[h]!.files, h).not.toEqual(before[h]!.files);
    }

    const rb = await cli(ctl, ['rollback', '--yes', 'latest', '--known-hosts', lab.knownHostsPath]);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(rb.stdout).toContain(`rollback of ${runId}: ${HOSTS} restored`);
    const after = await fleetState(lab, names);
    expect(after).toEqual(before);

    const again = await cli(ctl, [
      'rollback',
      '--yes',
      'latest',
      '--known-hosts',
      lab.knownHostsPath,
    ]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain(`0 restored, ${HOSTS} already restored`);
    expect(await fleetState(lab, names)).toEqual(before);

    const run = await storedRun(ctl, runId);
    expect(run.hosts.sort()).toEqual([...names].sort());
  }, 180_000);
});
