/**
 * NUMA (SYSFLEET_VM_FULL=1): a `--numa 2` guest has two nodes as the guest itself reports them;
 * with vm.zone_reclaim_mode=1 the incident-6 finding (docs/incidents.md) fires, and after
 * applying the advised 0 it clears, at runtime and after a real reboot.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmLab } from '../../src/lab/vm/index.js';
import {
  cli,
  controlNode,
  guestValues,
  labArgs,
  SLOW_HOSTS,
  vmLabName,
  vmUp,
  type ControlNode,
} from './support.js';

const PLAYBOOK = `name: numa-zone-reclaim
why: incident 6, zone reclaim on NUMA hosts (VM lab test)
persist: 60-sysfleet-numa
targets:
  vm.zone_reclaim_mode: 0
`;

interface Report {
  hosts: { host: string; findings?: { id: string }[] }[];
}

describe('a two-node NUMA guest: the zone_reclaim finding fires and clears', () => {
  let lab: VmLab;
  let ctl: ControlNode;
  let playbook: string;

  beforeAll(async () => {
    lab = await vmUp({ name: vmLabName('vmn'), distros: ['bookworm'], numa: 2 });
    ctl = await controlNode(lab);
    playbook = join(mkdtempSync(join(tmpdir(), 'sf-vm-numa-')), 'numa.yaml');
    writeFileSync(playbook, PLAYBOOK);
  });

  afterAll(async () => {
    await lab?.down();
    await ctl?.cleanup();
  });

  const findings = async (): Promise<string[]> => {
    const json = join(ctl.dir, 'report.json');
    const r = await cli(ctl, ['check', ...labArgs(lab), ...SLOW_HOSTS, playbook, '--json', json]);
    expect([0, 1, 2], r.stdout + r.stderr).toContain(r.code);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Report;
    return (report.hosts[0]?.findings ?? []).map((f) => f.id);
  };

  it('fires on two nodes with zone_reclaim_mode=1 and clears after apply and reboot', async () => {
    const h = lab.hosts[0]!.name;
    const nodes = await lab.shOk(h, 'ls -d /sys/devices/system/node/node[0-9]*\n');
    expect(nodes.trim().split('\n')).toEqual([
      '/sys/devices/system/node/node0',
      '/sys/devices/system/node/node1',
    ]);
    expect(await guestValues(lab, h, ['vm.zone_reclaim_mode'])).toEqual({
      'vm.zone_reclaim_mode': '0',
    });
    expect(await findings()).not.toContain('numa_zone_reclaim');

    // What a tuning guide for another workload leaves behind: persisted and live.
    await lab.shOk(
      h,
      "echo 'vm.zone_reclaim_mode = 1' > /etc/sysctl.d/40-tuning.conf\nsysctl -q -w vm.zone_reclaim_mode=1\n",
    );
    expect(await findings()).toContain('numa_zone_reclaim');

    const applied = await cli(ctl, [
      'apply',
      ...labArgs(lab),
      ...SLOW_HOSTS,
      playbook,
      '--yes',
      '--plain',
    ]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await guestValues(lab, h, ['vm.zone_reclaim_mode'])).toEqual({
      'vm.zone_reclaim_mode': '0',
    });
    expect(await findings()).not.toContain('numa_zone_reclaim');

    await lab.reboot(h);
    expect(await guestValues(lab, h, ['vm.zone_reclaim_mode'])).toEqual({
      'vm.zone_reclaim_mode': '0',
    });
    expect(await findings()).not.toContain('numa_zone_reclaim');
  });
});
