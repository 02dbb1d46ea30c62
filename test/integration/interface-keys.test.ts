/**
 * Interface keys end to end, judged from outside sysfleet: a lab host gets links named as real
 * hosts name them (a VLAN-style name with a dot, a bond, a veth, '_' and '-'), and a playbook sets
 * rp_filter on each through sysctl(8)'s forms (dotted with '/', and the slash form). check sees
 * the drift, apply sets /proc/sys/net/ipv4/conf/<name>/rp_filter and persists lines systemd-sysctl
 * reads, check is then compliant, and rollback puts every value and file back.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, labArgs, runIdOf, sysctlFiles, withLab } from './support/fleet-state.js';
import { labAvailable } from './support/lab.js';

const LINKS: Array<[string, string]> = [
  ['eth0.100', 'bond0'],
  ['veth-x', 'br_lan'],
];
const NAMES = LINKS.flat();
const path = (i: string) => `/proc/sys/net/ipv4/conf/${i}/rp_filter`;

describe.skipIf(!labAvailable)('interface keys (VLAN dots, bonds, veths)', () => {
  const ctx = withLab('ifkeys', 1);

  async function rpFilters(): Promise<string[]> {
    const r = await ctx.lab.exec(ctx.names[0]!, ['cat', ...NAMES.map(path)]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout.trim().split('\n');
  }

  it('check, apply, check, rollback over rp_filter of each link', async () => {
    const h = ctx.names[0]!;
    for (const [a, b] of LINKS) {
      const r = await ctx.lab.exec(h, ['ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
      expect(r.code, r.stderr).toBe(0);
    }
    const before = await rpFilters();
    const filesBefore = await sysctlFiles(ctx.lab, h);
    const want = before.map((v) => (v === '2' ? '1' : '2'));
    const playbook = join(ctx.ctl.dir, 'ifkeys.yaml');
    await writeFile(
      playbook,
      [
        'name: ifkeys',
        'why: strict reverse-path filtering per link',
        'persist: 60-ifkeys',
        'targets:',
        `  net.ipv4.conf.eth0/100.rp_filter: ${want[0]}`, // dotted form, the name's dot as '/'
        `  net/ipv4/conf/bond0/rp_filter: ${want[1]}`, // slash form
        `  net.ipv4.conf.veth-x.rp_filter: ${want[2]}`,
        `  net.ipv4.conf.br_lan.rp_filter: ${want[3]}`,
        '',
      ].join('\n'),
    );

    const drift = await cli(ctx.ctl, ['check', ...labArgs(ctx.lab), playbook]);
    expect(drift.code, drift.stdout + drift.stderr).toBe(2);

    const applied = await cli(ctx.ctl, [
      'apply',
      ...labArgs(ctx.lab),
      playbook,
      '--yes',
      '--plain',
    ]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(await rpFilters()).toEqual(want);
    const persisted = await ctx.lab.exec(h, ['cat', '/etc/sysctl.d/60-ifkeys.conf']);
    expect(persisted.stdout).toContain(`net.ipv4.conf.eth0/100.rp_filter = ${want[0]}`);
    expect(persisted.stdout).toContain(`net.ipv4.conf.bond0.rp_filter = ${want[1]}`);

    const clean = await cli(ctx.ctl, ['check', ...labArgs(ctx.lab), playbook]);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);

    const rb = await cli(ctx.ctl, [
      'rollback',
      runIdOf(applied.stdout),
      '--known-hosts',
      ctx.lab.knownHostsPath,
      '--yes',
    ]);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(await rpFilters()).toEqual(before);
    expect(await sysctlFiles(ctx.lab, h)).toEqual(filesBefore);
  }, 120_000);
});
