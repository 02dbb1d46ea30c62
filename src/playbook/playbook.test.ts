import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelErrors } from '../parse/errors.js';
import { finalize, newInventoryData, reconcile } from '../inventory/inventory-data.js';
import { parseIniInventory } from '../inventory/inventory-ini.js';
import { loadPlaybook } from './load-playbook.js';
import { globalKeys, parsePlaybook } from './playbook.js';
import { checkOverrides, targetsForHost } from './targets.js';

const ROOT = join(import.meta.dirname, '../..');
const full = parsePlaybook(
  readFileSync(join(ROOT, 'test/fixtures/playbooks/full.yaml'), 'utf8'),
  'full.yaml',
);

describe('parsePlaybook', () => {
  it('normalises keys and values and reads every target shape', () => {
    expect(full.targets).toEqual({
      'net.ipv4.tcp_keepalive_time': { kind: 'exact', value: '120' },
      'net.ipv4.tcp_keepalive_intvl': { kind: 'exact', value: '10' },
      'net.ipv4.tcp_keepalive_probes': { kind: 'exact', value: '6' },
      'net.ipv4.ip_local_port_range': { kind: 'exact', value: '10240 65535' },
      'net.ipv4.tcp_rmem': { kind: 'exact', value: '4096 87380 6291456' },
      'net.ipv4.tcp_tw_recycle': { kind: 'absent_or', value: '0' },
      'net.ipv4.tcp_fin_timeout': { kind: 'range', max: 30, set: '30' },
      'net.core.somaxconn': { kind: 'range', min: 4096, set: '8192' },
      'net.ipv4.tcp_tw_reuse': { kind: 'one_of', values: ['1', '2'], set: '1' },
      'net.ipv4.tcp_congestion_control': { kind: 'exact', value: 'bbr' },
      'net.ipv4.tcp_brand_new_knob': { kind: 'exact', value: '1' },
      'vm.zone_reclaim_mode': { kind: 'exact', value: '0' },
    });
    expect(full).toMatchObject({
      name: 'full',
      persist: '60-full',
      middlebox_idle_timeout: 300,
      force: [],
    });
    expect(full.evidence).toEqual({
      time_wait_port_ratio: { warn: 0.5, crit: 0.8 },
      close_wait: { warn: 100, crit: 1000 },
      listen_overflows_delta: { warn: 1 },
      conntrack_fill: { warn: 0.7, crit: 0.9 },
    });
  });
  it('warns (with a position) about unknown but well-formed keys', () => {
    expect(full.warnings).toEqual([
      {
        file: 'full.yaml',
        line: 17,
        col: 3,
        message:
          'unknown sysctl "net.ipv4.tcp_brand_new_knob" (allowed: kernels add keys; check the name)',
      },
    ]);
  });
  it('flags global keys for callers that must refuse them', () => {
    expect(globalKeys(full)).toEqual(['vm.zone_reclaim_mode']);
  });
  it('knows per-interface keys for any interface, and close relatives apart', () => {
    const pb = parsePlaybook(
      'name: i\nwhy: w\npersist: p\ntargets:\n  net.ipv4.conf.eth0.rp_filter: 1\n  net/ipv4/conf/eth0.100/rp_filter: 1\n  net.ipv4.conf.all.forwarding: 0\n  net.ipv6.conf.default.forwarding: 0\n',
      'i.yaml',
    );
    expect(pb.warnings).toBeUndefined();
    expect(Object.keys(pb.targets)).toContain('net.ipv4.conf.eth0/100.rp_filter');
    expect(() =>
      parsePlaybook(
        'name: i\nwhy: w\npersist: p\ntargets:\n  net.ipv4.conf.eth0.rp_filtr: 1\n',
        'i.yaml',
      ),
    ).toThrow(
      'i.yaml:5:3: unknown sysctl "net.ipv4.conf.eth0.rp_filtr" — did you mean "net.ipv4.conf.all.rp_filter"?',
    );
  });
  it('lets force override a refusal and a typo check', () => {
    const text = `name: f\nwhy: w\npersist: p\ntargets:\n  net.ipv4.tcp_tw_recycle: 1\n  net.ipv4.tcp_keepalive_tme: 5\nforce: [net.ipv4.tcp_tw_recycle, net/ipv4/tcp_keepalive_tme]\n`;
    expect(() => parsePlaybook(text.replace(/force:.*\n/, ''), 'f.yaml')).toThrow(ModelErrors);
    const pb = parsePlaybook(text, 'f.yaml');
    expect(pb.force).toEqual(['net.ipv4.tcp_tw_recycle', 'net.ipv4.tcp_keepalive_tme']);
    expect(pb.targets['net.ipv4.tcp_tw_recycle']).toEqual({ kind: 'exact', value: '1' });
  });
  it('refuses keepalive that cannot beat the middlebox, counting kernel defaults', () => {
    const pb = (t: string) =>
      parsePlaybook(
        `name: k\nwhy: w\npersist: p\nmiddlebox_idle_timeout: 90\ntargets:\n${t}`,
        'k.yaml',
      );
    expect(() => pb('  net.ipv4.tcp_keepalive_time: 60\n')).toThrow(
      /dead peer after 735 s \(time 60 \+ intvl 75 × probes 9\)/,
    );
    expect(() => pb('  net.ipv4.tcp_keepalive_time: 90\n')).toThrow(
      /not below middlebox_idle_timeout 90/,
    );
    expect(
      pb(
        '  net.ipv4.tcp_keepalive_time: 60\n  net.ipv4.tcp_keepalive_intvl: 5\n  net.ipv4.tcp_keepalive_probes: 6\n',
      ).targets,
    ).toHaveProperty(['net.ipv4.tcp_keepalive_time']);
  });
  it('refuses a leading zero, which the kernel reads as octal', () => {
    const pb = (target: string) =>
      `name: o\nwhy: values the kernel reads as octal\npersist: 60-o\ntargets:\n  ${target}\n`;
    expect(() => parsePlaybook(pb('net.ipv4.tcp_keepalive_time: "0600"'), 'o.yaml')).toThrow(
      /o\.yaml:5:32: net\.ipv4\.tcp_keepalive_time: "0600" has a leading zero: the kernel would read it as octal: 384 — write 600 if that is the number you mean$/m,
    );
    expect(() => parsePlaybook(pb('net.ipv4.ip_local_port_range: "1024 09999"'), 'p.yaml')).toThrow(
      /"09999" has a leading zero: the kernel would read it as octal — write 9999 /,
    );
    expect(parsePlaybook(pb('net.ipv4.tcp_fin_timeout: "0"'), 'z.yaml').targets).toEqual({
      'net.ipv4.tcp_fin_timeout': { kind: 'exact', value: '0' },
    });
  });

  it('reports every error at once, sorted by position', () => {
    try {
      parsePlaybook(
        'name: X\npersist: a/b\ntargets:\n  net.ipv4.tcp_tw_recycle: 1\n  bad key: 1\n',
        'e.yaml',
      );
      expect.fail('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelErrors);
      const lines = (e as ModelErrors).format().split('\n');
      expect(lines.map((l) => l.split(': ')[0])).toEqual([
        'e.yaml:1:1',
        'e.yaml:1:7',
        'e.yaml:2:10',
        'e.yaml:4:3',
        'e.yaml:5:3',
      ]);
    }
  });
});

describe('shipped playbooks', () => {
  const dir = join(ROOT, 'playbooks');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    it(`${f} loads, has a why and the $schema line`, async () => {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text.split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../schemas/playbook.schema.json',
      );
      const pb = await loadPlaybook(join(dir, f));
      expect(pb.why.length).toBeGreaterThan(20);
      expect(pb.warnings ?? []).toEqual([]);
      expect(`${pb.name}.yaml`).toBe(f);
    });
  }
  it('a missing playbook is a ModelErrors', async () => {
    await expect(loadPlaybook(join(dir, 'nope.yaml'))).rejects.toThrow(/playbook not found/);
  });
});

describe('targetsForHost', () => {
  const data = newInventoryData();
  parseIniInventory(
    '[db]\ndb1\ndb2\n[web]\nweb1\n[prod:children]\ndb\n[prod]\nweb1\n[staging]\ndb2\n',
    'i.ini',
    data,
  );
  reconcile(data);
  const inv = finalize(data, ['i.ini']);
  const host = (n: string) => inv.hosts.find((h) => h.name === n)!;
  it('applies matching overrides in order, later wins', () => {
    expect(targetsForHost(full, host('db1'), inv)['net.ipv4.tcp_keepalive_time']).toEqual({
      kind: 'exact',
      value: '45',
    });
    expect(targetsForHost(full, host('db1'), inv)['net.core.somaxconn']).toEqual({
      kind: 'exact',
      value: '65535',
    });
    expect(targetsForHost(full, host('db2'), inv)['net.ipv4.tcp_keepalive_time']).toEqual({
      kind: 'exact',
      value: '30',
    });
    expect(targetsForHost(full, host('web1'), inv)['net.ipv4.tcp_keepalive_time']).toEqual({
      kind: 'exact',
      value: '120',
    });
  });
  it('does not mutate the playbook', () => {
    targetsForHost(full, host('db1'), inv);
    expect(full.targets['net.ipv4.tcp_keepalive_time']).toEqual({ kind: 'exact', value: '120' });
  });
  it('reports overrides that select nothing in an inventory', () => {
    const other = finalize(newInventoryData(), []);
    expect(checkOverrides(full, other).map((e) => e.message)).toEqual([
      'overrides[0].hosts: host pattern "db" matches no host or group',
      'overrides[1].hosts: host pattern "db1" matches no host or group',
    ]);
    expect(checkOverrides(full, inv)).toEqual([]);
  });
});
