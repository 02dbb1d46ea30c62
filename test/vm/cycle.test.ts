/**
 * The VM smoke part (every CI run, one distro) and, with SYSFLEET_VM_FULL=1, the same on
 * bullseye, bookworm and trixie at once: facts equal the guest's own readings, then apply →
 * real reboot → verify → rollback → real reboot → verify, with net.* and global keys. Judged
 * from outside sysfleet: the guest's own cat, stat and sha256sum over OpenSSH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmLab } from '../../src/lab/vm/index.js';
import { expectFixtureMatches, expectGatheredMatches } from './facts-check.js';
import { vmDistros, vmFull } from './matrix.js';
import {
  cli,
  controlNode,
  fixture,
  guestFiles,
  guestValues,
  labArgs,
  SLOW_HOSTS,
  vmLabName,
  vmUp,
  type ControlNode,
} from './support.js';

const PLAYBOOK = fixture('vm-cycle.yaml');
const TARGETS: Record<string, string> = {
  'net.ipv4.tcp_keepalive_time': '120',
  'net.ipv4.tcp_keepalive_intvl': '10',
  'net.core.somaxconn': '8192',
  'vm.swappiness': '17',
  'vm.zone_reclaim_mode': '1',
  'fs.file-max': '500000',
  'kernel.pid_max': '65536',
};
const KEYS = Object.keys(TARGETS);
const PERSIST = '/etc/sysctl.d/60-sysfleet-vm-cycle.conf';
const distros = vmDistros();

describe(`VM guests (${distros.join(', ')}): facts, apply, reboot, rollback, reboot`, () => {
  let lab: VmLab;
  let ctl: ControlNode;
  let names: string[];

  beforeAll(async () => {
    lab = await vmUp({ name: vmLabName('vmc'), distros });
    ctl = await controlNode(lab);
    names = lab.hosts.map((h) => h.name);
  });

  afterAll(async () => {
    await lab?.down();
    await ctl?.cleanup();
  });

  it('gathers exactly what the guest’s own sysctl -a, ss and /proc say', async () => {
    await Promise.all(
      lab.hosts.map(async (h) => {
        const compared = await expectGatheredMatches(lab, ctl, h.name, vmFull());
        expect(compared, h.name).toBeGreaterThan(vmFull() ? 500 : 20);
        await expectFixtureMatches(lab, h.name);
      }),
    );
  });

  it('apply persists across a real reboot; rollback restores files and boot values', async () => {
    const before = Object.fromEntries(
      await Promise.all(
        names.map(
          async (h) =>
            [
              h,
              { files: await guestFiles(lab, h), values: await guestValues(lab, h, KEYS) },
            ] as const,
        ),
      ),
    );
    for (const h of names) {
      for (const k of KEYS)
        expect(before[h]!.values[k], `${h} ${k} must differ before`).not.toBe(TARGETS[k]);
    }

    const applied = await cli(ctl, [
      'apply',
      ...labArgs(lab),
      ...SLOW_HOSTS,
      PLAYBOOK,
      '--yes',
      '--plain',
    ]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    for (const h of names) {
      expect(await guestValues(lab, h, KEYS), `${h} after apply`).toEqual(TARGETS);
      expect((await guestFiles(lab, h))[PERSIST], h).toMatch(/^644 0:0 file /);
    }

    await Promise.all(names.map((h) => lab.reboot(h)));
    for (const h of names) {
      expect(await guestValues(lab, h, KEYS), `${h} at boot after apply`).toEqual(TARGETS);
    }

    const rb = await cli(ctl, [
      'rollback',
      '--yes',
      'latest',
      '--known-hosts',
      lab.knownHostsPath,
      ...SLOW_HOSTS,
    ]);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    for (const h of names) {
      expect(await guestFiles(lab, h), `${h} files after rollback`).toEqual(before[h]!.files);
      expect(await guestValues(lab, h, KEYS), `${h} runtime after rollback`).toEqual(
        before[h]!.values,
      );
    }

    await Promise.all(names.map((h) => lab.reboot(h)));
    for (const h of names) {
      expect(await guestValues(lab, h, KEYS), `${h} at boot after rollback`).toEqual(
        before[h]!.values,
      );
      expect(await guestFiles(lab, h), `${h} files after the second reboot`).toEqual(
        before[h]!.files,
      );
    }
  });
});
