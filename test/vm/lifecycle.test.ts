/**
 * The VM lab's own promises, on the quick busybox guest (smoke): the CLI's up/status/reboot/down,
 * the same output files as the namespace lab, qemu killed by PID and overlays gone on down, and
 * cleanup of a lab whose state.json is gone (a crash during up).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive } from '../../src/lab/proc.js';
import { labDown } from '../../src/lab/index.js';
import { qemuPidsOfLab } from '../../src/lab/vm/index.js';
import { vmLabName, vmUp } from './support.js';

describe('VM lab lifecycle (busybox guest)', () => {
  it('writes the namespace lab’s files, reboots, and leaves nothing behind on down', async () => {
    const lab = await vmUp({ name: vmLabName('vml'), distros: ['busybox'], hosts: 2 });
    try {
      for (const f of [
        'inventory.yaml',
        'inventory-become.yaml',
        'known_hosts',
        'id_ed25519',
        'ssh_config',
        'sudo-password',
        'state.json',
      ]) {
        expect(existsSync(join(lab.dir, f)), f).toBe(true);
      }
      const kh = readFileSync(lab.knownHostsPath, 'utf8');
      for (const h of lab.hosts) {
        expect(kh).toContain(`[127.0.0.1]:${h.port} ssh-ed25519 `);
        expect(readFileSync(lab.inventoryPath, 'utf8')).toContain(`ansible_port: ${h.port}`);
      }
      // Only loopback: qemu listens on 127.0.0.1:<port> and nowhere else.
      const listen = readFileSync('/proc/net/tcp', 'utf8');
      for (const h of lab.hosts) {
        const hex = h.port.toString(16).toUpperCase().padStart(4, '0');
        expect(listen).toMatch(new RegExp(`: 0100007F:${hex} 00000000:0000 0A `));
        expect(listen).not.toMatch(new RegExp(`: 00000000:${hex} 00000000:0000 0A `));
      }
      const first = lab.hosts[0]!;
      const oldPid = first.pid;
      await lab.shOk(first.name, 'echo marker > /tmp/before-reboot\n');
      await lab.reboot(first.name);
      expect(first.pid).not.toBe(oldPid);
      expect(alive(oldPid)).toBe(false);
      // busybox's root is in RAM: a reboot is a fresh guest
      expect(await lab.shOk(first.name, 'cat /tmp/before-reboot 2>/dev/null || echo gone\n')).toBe(
        'gone\n',
      );
      expect(lab.status().map((s) => s.running)).toEqual([true, true]);
    } finally {
      const pids = lab.hosts.map((h) => h.pid);
      await lab.down();
      expect(pids.some((p) => alive(p))).toBe(false);
      expect(qemuPidsOfLab(lab.name)).toEqual([]);
      expect(existsSync(lab.dir)).toBe(false);
    }
  });

  it('lab down finds the qemu of a lab whose state.json is gone', async () => {
    const lab = await vmUp({ name: vmLabName('vmx'), distros: ['busybox'] });
    const pid = lab.hosts[0]!.pid;
    rmSync(join(lab.dir, 'state.json'));
    await labDown(lab.name);
    expect(alive(pid)).toBe(false);
    expect(qemuPidsOfLab(lab.name)).toEqual([]);
    expect(existsSync(lab.dir)).toBe(false);
  });
});
