/**
 * The minimal guest (SYSFLEET_VM_FULL=1): busybox ash, busybox sysctl and no ss, dropbear sshd.
 * Facts equal what busybox's own sysctl -a and /proc say; TCP states come from /proc.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmLab } from '../../src/lab/vm/index.js';
import { expectFixtureMatches, expectGatheredMatches } from './facts-check.js';
import { controlNode, vmLabName, vmUp, type ControlNode } from './support.js';

describe('busybox + dropbear guest: facts', () => {
  let lab: VmLab;
  let ctl: ControlNode;

  beforeAll(async () => {
    lab = await vmUp({ name: vmLabName('vmb'), distros: ['busybox'] });
    ctl = await controlNode(lab);
  });

  afterAll(async () => {
    await lab?.down();
    await ctl?.cleanup();
  });

  it('gathers exactly what busybox sysctl -a and /proc say', async () => {
    const h = lab.hosts[0]!.name;
    expect(await lab.shOk(h, 'readlink /bin/sh; command -v ss || echo no-ss\n')).toBe(
      'busybox\nno-ss\n',
    );
    expect(await expectGatheredMatches(lab, ctl, h, true)).toBeGreaterThan(500);
    await expectFixtureMatches(lab, h);
  });
});
