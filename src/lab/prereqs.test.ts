import { describe, expect, it } from 'vitest';
import { formatLabNeeds, labNeeds, type Probe } from './prereqs.js';

/** A machine that has everything except the paths in `gone`. */
function machine(gone: string[], over: Partial<Probe> = {}): Probe {
  return {
    executable: (p) => !gone.includes(p),
    exists: (p) => !gone.includes(p),
    filesystems: () => 'nodev\ttmpfs\nnodev\toverlay\n',
    namespaces: () => true,
    isRoot: () => true,
    ...over,
  };
}

describe('labNeeds', () => {
  it('a complete machine needs nothing', () => {
    expect(labNeeds(machine([]))).toEqual([]);
  });

  it('a fresh Debian without sudo: sudo named once, with its package', () => {
    const missing = labNeeds(machine(['/usr/bin/sudo', '/etc/sudoers']));
    expect(missing).toEqual([{ what: 'sudo', package: 'sudo', why: 'the become (sudo) hosts' }]);
    expect(formatLabNeeds(missing)).toBe(
      'sysfleet lab needs sudo (the become (sudo) hosts); install with: apt-get install sudo',
    );
  });

  it('sudo installed but /etc/sudoers gone: the file is named', () => {
    expect(labNeeds(machine(['/etc/sudoers'])).map((m) => m.what)).toEqual(['/etc/sudoers']);
  });

  it('several missing: every one, packages once each', () => {
    const missing = labNeeds(
      machine(['/usr/sbin/sshd', '/usr/bin/nsenter', '/usr/bin/unshare', '/usr/bin/perl']),
    );
    expect(missing.map((m) => m.what)).toEqual(['sshd', 'nsenter', 'unshare', 'perl']);
    expect(formatLabNeeds(missing)).toMatch(
      /install with: apt-get install openssh-server util-linux perl$/,
    );
  });

  it('ip from any of its usual places', () => {
    expect(labNeeds(machine(['/usr/sbin/ip', '/usr/bin/ip', '/sbin/ip']))).toEqual([]);
  });

  it('no root, no namespaces, no overlayfs', () => {
    expect(labNeeds(machine([], { isRoot: () => false })).map((m) => m.what)).toEqual(['root']);
    expect(labNeeds(machine([], { namespaces: () => false })).map((m) => m.what)).toEqual([
      'namespaces',
    ]);
    expect(
      labNeeds(machine([], { filesystems: () => 'nodev\ttmpfs\n' })).map((m) => m.what),
    ).toEqual(['overlayfs']);
  });
});
