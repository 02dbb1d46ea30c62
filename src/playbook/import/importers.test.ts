import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelErrors } from '../../parse/errors.js';
import { parseYaml } from '../../parse/yaml-pos.js';
import { loadPlaybook } from '../load-playbook.js';
import { importAnsible, whenToHosts } from './ansible-tasks.js';
import { importFiles, importPlaybook } from './load-import.js';
import { importSysctlConf } from './sysctl-conf.js';
import { parseTunedProfile } from './tuned.js';

const F = join(import.meta.dirname, '../../../test/fixtures/import');
const short = (s: string) => s.split(`${F}/`).join('');
const brief = (imp: Awaited<ReturnType<typeof importFiles>>) => ({
  targets: imp.targets.map(
    (t) => `${short(t.from.file)}:${t.from.line} ${t.hosts ?? 'all'} ${t.key}=${t.value}`,
  ),
  skipped: imp.skipped.map((s) => `${short(s.from.file)}:${s.from.line} ${s.what}`),
  persist: imp.persist,
});

describe('sysctl.d files', () => {
  it('reads key = value lines as procps does; globs and junk are not carried over', () => {
    const imp = importSysctlConf(
      '# c\n net/ipv4/tcp_fin_timeout = 20\n-net.ipv4.tcp_tw_reuse=1\n; c\nnet.ipv4.conf.*.rp_filter = 2\nnope\n',
      '/etc/sysctl.d/60-x.conf',
    );
    expect(brief(imp)).toEqual({
      targets: [
        '/etc/sysctl.d/60-x.conf:2 all net.ipv4.tcp_fin_timeout=20',
        '/etc/sysctl.d/60-x.conf:3 all net.ipv4.tcp_tw_reuse=1',
      ],
      skipped: [
        '/etc/sysctl.d/60-x.conf:5 net.ipv4.conf.*.rp_filter = 2',
        '/etc/sysctl.d/60-x.conf:6 nope',
      ],
      persist: '60-x',
    });
  });
});

describe('TuneD profiles', () => {
  it('[sysctl] only; computed values are not carried over; include= is read first', async () => {
    const p = parseTunedProfile(
      '[main]\ninclude=a, b\n[sysctl]\nx.y=${f:cpu}\nnet.core.somaxconn = 5\n[vm]\nz=1\n',
      't',
    );
    expect(p.includes).toEqual([
      { name: 'a', line: 2 },
      { name: 'b', line: 2 },
    ]);
    expect(brief(p.imported).targets).toEqual(['t:5 all net.core.somaxconn=5']);
    expect(brief(p.imported).skipped).toEqual(['t:4 x.y=${f:cpu}', 't:6 [vm]']);
    expect(brief(await importFiles([join(F, 'tuned/db-node')]))).toEqual({
      targets: [
        'tuned/base/tuned.conf:5 all net.core.somaxconn=2048',
        'tuned/base/tuned.conf:6 all net.ipv4.tcp_fin_timeout=30',
        'tuned/db-node/tuned.conf:9 all net.core.somaxconn=8192',
        'tuned/db-node/tuned.conf:10 all net.ipv4.tcp_keepalive_time=300',
        'tuned/db-node/tuned.conf:12 all vm.dirty_ratio=10',
      ],
      skipped: [
        'tuned/db-node/tuned.conf:3 include=throughput-performance',
        'tuned/db-node/tuned.conf:11 kernel.sched_min_granularity_ns=${f:cpu_count}',
        'tuned/db-node/tuned.conf:5 [cpu]',
      ],
      persist: undefined,
    });
  });
});

describe('Ansible ansible.posix.sysctl tasks', () => {
  it('conditions on groups become host patterns; others are not', () => {
    expect(whenToHosts("'db' in group_names")).toBe('db');
    expect(whenToHosts("inventory_hostname in groups['web']")).toBe('web');
    expect(whenToHosts('inventory_hostname in groups.web')).toBe('web');
    expect(whenToHosts(["'a' in group_names", "'b' not in group_names"])).toBe('a:!b');
    expect(whenToHosts("'lb' not in group_names")).toBe('all:!lb');
    expect(whenToHosts('ansible_os_family == "Debian"')).toBeUndefined();
    expect(whenToHosts(true)).toBeUndefined();
  });
  it('a role: loops over its dicts, vars over defaults, blocks, when, state absent, facts', async () => {
    expect(brief(await importFiles([join(F, 'roles/net-tuning')]))).toEqual({
      targets: [
        'roles/net-tuning/tasks/main.yml:4 all net.core.somaxconn=4096',
        'roles/net-tuning/tasks/main.yml:4 all net.ipv4.tcp_fin_timeout=30',
        'roles/net-tuning/tasks/main.yml:4 all net.ipv4.ip_local_port_range=10240 65535',
        'roles/net-tuning/tasks/main.yml:13 all net.ipv4.tcp_keepalive_time=300',
        'roles/net-tuning/tasks/main.yml:18 routers net.ipv4.ip_forward=1',
        'roles/net-tuning/tasks/main.yml:23 web:!lb net.ipv4.tcp_tw_reuse=1',
        'roles/net-tuning/tasks/main.yml:50 web net.ipv4.tcp_max_syn_backlog=8192',
        'roles/net-tuning/tasks/main.yml:54 web net.core.rmem_max=16777216',
      ],
      skipped: [
        'roles/net-tuning/tasks/main.yml:31 net.ipv4.tcp_tw_recycle state: absent',
        'roles/net-tuning/tasks/main.yml:38 when: "ansible_distribution == \\"Ubuntu\\""',
        'roles/net-tuning/tasks/main.yml:42 ansible.posix.sysctl name=net.netfilter.nf_conntrack_max value={{ ansible_memtotal_mb * 64 }}',
        'roles/net-tuning/tasks/main.yml:54 net.core.rmem_max: reload: no',
      ],
      persist: '60-net-tuning',
    });
  });
  it("a playbook: a play's hosts and vars, with_dict and loop, its roles from roles/", async () => {
    const b = brief(await importFiles([join(F, 'site.yml')]));
    expect(b.targets.filter((t) => t.startsWith('site.yml'))).toEqual([
      'site.yml:11 db net.ipv4.tcp_keepalive_intvl=15',
      'site.yml:11 db net.ipv4.tcp_keepalive_probes=5',
      'site.yml:16 db net.core.somaxconn=1024',
      'site.yml:16 db net.ipv4.tcp_syncookies=1',
      'site.yml:29 all net.ipv4.conf.all.rp_filter=2',
    ]);
    expect(b.targets.filter((t) => t.startsWith('roles/'))).toHaveLength(8);
    expect(b.persist).toBe('60-net-tuning');
  });
  it('a loop over something only the host knows is not carried over, and says why', () => {
    const y = parseYaml(
      '- ansible.posix.sysctl: {name: "{{ item }}", value: 1}\n  loop: "{{ ansible_interfaces }}"\n',
      'x.yml',
      '1.1',
    );
    expect(importAnsible([{ y }]).skipped).toEqual([
      {
        from: { file: 'x.yml', line: 2, col: 9 },
        what: 'loop: "{{ ansible_interfaces }}"',
        why: 'the loop\'s items are not known from the files imported ("ansible_interfaces" is undefined)',
      },
    ]);
  });
});

describe('the imported playbook', () => {
  it('is a valid playbook, says where each target came from and what was not carried over', async () => {
    const { rendered, playbook } = await importPlaybook([join(F, 'site.yml')]);
    expect(playbook.persist).toBe('60-net-tuning');
    expect(playbook.targets['net.ipv4.tcp_keepalive_time']).toEqual({
      kind: 'exact',
      value: '300',
    });
    expect(playbook.overrides.map((o) => o.hosts)).toEqual(['routers', 'web:!lb', 'web', 'db']);
    const text = short(rendered.text);
    expect(text).toContain(
      '  # from roles/net-tuning/tasks/main.yml:13 (sysctl)\n  net.ipv4.tcp_keepalive_time: 300\n',
    );
    expect(text).toContain(
      '# Not carried over:\n# - roles/net-tuning/tasks/main.yml:31: net.ipv4.tcp_tw_recycle state: absent: removes the line',
    );
  });
  it('a later value for the same key wins, and the comment says what it replaced', async () => {
    const { rendered, playbook } = await importPlaybook([join(F, 'tuned/db-node')]);
    expect(playbook.targets['net.core.somaxconn']).toEqual({ kind: 'exact', value: '8192' });
    expect(short(rendered.text)).toContain(
      '  # from tuned/db-node/tuned.conf:9 (TuneD [sysctl])\n  # (replaces 2048 from tuned/base/tuned.conf:5)\n  net.core.somaxconn: 8192\n',
    );
  });
  it('sysfleet check takes a .conf file as its playbook; its errors point into the .conf', async () => {
    const pb = await loadPlaybook(join(F, '60-net.conf'));
    expect(pb.source).toBe(join(F, '60-net.conf'));
    expect(pb.persist).toBe('60-net');
    expect(Object.keys(pb.targets)).toEqual([
      'net.ipv4.tcp_keepalive_time',
      'net.ipv4.tcp_fin_timeout',
      'net.ipv4.tcp_tw_reuse',
      'net.ipv4.ip_local_port_range',
      'net.core.somaxconn',
    ]);
    const bad = join(F, '../import-broken/90-bad.conf');
    const err = await loadPlaybook(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelErrors);
    expect(
      short(
        (err as ModelErrors)
          .format()
          .split(`${join(F, '../import-broken')}/`)
          .join(''),
      ),
    ).toMatch(/^90-bad\.conf:2:\d+: .*\n90-bad\.conf:3:\d+: /);
  });
});
