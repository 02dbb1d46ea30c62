import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostFacts, SysctlFile } from '../facts/types.js';
import type { Target } from '../playbook/types.js';
import { parseSysctlLine } from '../facts/parseSysctlLine.js';
import { planHost } from './plan.js';
import { candidateBasenames } from './persist.js';
import type { KeyStatus } from './types.js';

function loadFacts(fixture: string): HostFacts {
  const url = new URL(`../../test/fixtures/facts/${fixture}/expected.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as HostFacts;
}
const base = loadFacts('debian12-dash');

function conf(path: string, text: string[] = [], extra: Partial<SysctlFile> = {}): SysctlFile {
  const slash = path.lastIndexOf('/');
  const lines = text.flatMap((t, i) => parseSysctlLine(t, i + 1) ?? []);
  const dir = path === '/etc/sysctl.conf' ? path : path.slice(0, slash);
  return { path, dir, basename: path.slice(slash + 1), lines, ...extra };
}

function host(
  values: Record<string, string | null>,
  files: SysctlFile[],
  loader: HostFacts['sysctlLoader'] = 'systemd',
): HostFacts {
  const sysctls = { ...base.sysctls };
  for (const [k, v] of Object.entries(values)) {
    sysctls[k] = v === null ? { state: 'absent' } : { state: 'value', value: v };
  }
  return { ...base, sysctls, sysctlFiles: files, sysctlLoader: loader };
}

const KA = 'net.ipv4.tcp_keepalive_time';
const OURS = '/etc/sysctl.d/60-sysfleet-keepalive.conf';
const opts = {
  persistBasename: '60-sysfleet-keepalive',
  evidence: {},
  playbook: { name: 'nat-keepalive', source: 'playbooks/nat-keepalive.yaml' },
};
const exact = (value: string): Target => ({ kind: 'exact', value });

type Row = {
  name: string;
  target: Target;
  runtime: string | null;
  files: SysctlFile[];
  loader?: HostFacts['sysctlLoader'];
  status: KeyStatus;
  want?: string;
  shadowedBy?: string;
};

const rows: Row[] = [
  {
    name: 'runtime and boot right',
    target: exact('60'),
    runtime: '60',
    files: [conf(OURS, [`${KA} = 60`])],
    status: 'compliant',
  },
  {
    name: 'runtime wrong',
    target: exact('60'),
    runtime: '7200',
    files: [],
    status: 'runtime_differs',
    want: '60',
  },
  {
    name: 'runtime right, nothing persists it',
    target: exact('60'),
    runtime: '60',
    files: [],
    status: 'not_persisted',
    want: '60',
  },
  {
    name: 'runtime right, boot file sets another value',
    target: exact('60'),
    runtime: '60',
    files: [conf('/etc/sysctl.d/10-old.conf', [`${KA} = 7200`])],
    status: 'persisted_differs',
    want: '60',
  },
  {
    name: 'our file right but a vendor file wins later',
    target: exact('60'),
    runtime: '60',
    files: [conf(OURS, [`${KA} = 60`]), conf('/usr/lib/sysctl.d/99-vendor.conf', [`${KA} = 7200`])],
    status: 'shadowed',
    want: '60',
    shadowedBy: '/usr/lib/sysctl.d/99-vendor.conf',
  },
  {
    name: 'procps: sysctl.conf read last shadows our file',
    target: exact('60'),
    runtime: '60',
    files: [conf(OURS, [`${KA} = 60`]), conf('/etc/sysctl.conf', [`${KA} = 7200`])],
    loader: 'procps',
    status: 'shadowed',
    want: '60',
    shadowedBy: '/etc/sysctl.conf',
  },
  {
    name: 'multi-value compared as numbers (tabs, extra spaces)',
    target: exact('1024 65000'),
    runtime: '1024 65000',
    files: [conf('/etc/sysctl.d/10-p.conf', ['net.ipv4.ip_local_port_range = 1024\t 65000'])],
    status: 'compliant',
  },
  {
    name: 'range: inside is compliant',
    target: { kind: 'range', min: 30, max: 300, set: '60' },
    runtime: '120',
    files: [conf(OURS, [`${KA} = 120`])],
    status: 'compliant',
  },
  {
    name: 'range: outside writes set',
    target: { kind: 'range', max: 300, set: '60' },
    runtime: '7200',
    files: [],
    status: 'runtime_differs',
    want: '60',
  },
  {
    name: 'one_of: none matches writes set',
    target: { kind: 'one_of', values: ['0', '2'], set: '2' },
    runtime: '1',
    files: [],
    status: 'runtime_differs',
    want: '2',
  },
  {
    name: 'absent_or: absent is allowed (tcp_tw_recycle on >= 4.12)',
    target: { kind: 'absent_or', value: '0' },
    runtime: null,
    files: [],
    status: 'absent_allowed',
  },
  {
    name: 'absent_or: present and wrong (4.9 kernel with recycle on)',
    target: { kind: 'absent_or', value: '0' },
    runtime: '1',
    files: [],
    status: 'runtime_differs',
    want: '0',
  },
  {
    name: 'exact: absent key is required',
    target: exact('60'),
    runtime: null,
    files: [],
    status: 'absent_required',
  },
];

describe('planHost verdicts', () => {
  it.each(rows)('$name -> $status', (row) => {
    const key = row.name.startsWith('multi') ? 'net.ipv4.ip_local_port_range' : KA;
    const facts = host({ [key]: row.runtime }, row.files, row.loader);
    const plan = planHost(facts, { [key]: row.target }, opts);
    const v = plan.verdicts[0];
    expect(v?.status).toBe(row.status);
    expect(v?.want).toBe(row.want);
    expect(v?.shadowedBy).toBe(row.shadowedBy);
    expect(plan.changes.length).toBe(row.want === undefined ? 0 : 1);
    expect(plan.persistFile === undefined).toBe(row.want === undefined);
  });

  it('reports unreadable keys without planning a change', () => {
    const plan = planHost(base, { 'net.ipv6.route.flush': exact('1') }, opts);
    expect(plan.verdicts[0]).toMatchObject({ status: 'unreadable' });
    expect(plan.verdicts[0]?.detail).toMatch(/Permission denied/);
    expect(plan.changes).toEqual([]);
  });
});

describe('planHost changes and persistent file', () => {
  const targets: Record<string, Target> = {
    [KA]: exact('60'),
    'net.ipv4.tcp_keepalive_intvl': exact('10'),
    'net.ipv4.tcp_keepalive_probes': exact('9'),
    'net.ipv4.tcp_tw_recycle': { kind: 'absent_or', value: '0' },
  };

  it('writes runtime only where it differs, and persists every key that has a value', () => {
    const facts = host(
      { [KA]: '7200', 'net.ipv4.tcp_keepalive_intvl': '75', 'net.ipv4.tcp_keepalive_probes': '9' },
      [],
    );
    const plan = planHost(facts, targets, opts);
    expect(plan.changes).toEqual([
      { key: 'net.ipv4.tcp_keepalive_intvl', from: '75', to: '10', runtime: true },
      { key: 'net.ipv4.tcp_keepalive_probes', from: '9', to: '9', runtime: false },
      { key: KA, from: '7200', to: '60', runtime: true },
    ]);
    expect(plan.persistFile).toEqual({
      path: OURS,
      content:
        '# Managed by sysfleet (playbook "nat-keepalive", playbooks/nat-keepalive.yaml).\n' +
        '# sysfleet apply rewrites this file and keeps the previous one for rollback: do not edit.\n' +
        'net.ipv4.tcp_keepalive_intvl = 10\n' +
        'net.ipv4.tcp_keepalive_probes = 9\n' +
        `${KA} = 60\n`,
    });
    expect(plan.shadowWarnings).toEqual([]);
  });

  it('nothing to do: no changes, no file', () => {
    const facts = host(
      { [KA]: '60', 'net.ipv4.tcp_keepalive_intvl': '10', 'net.ipv4.tcp_keepalive_probes': '9' },
      [
        conf(OURS, [
          `${KA} = 60`,
          'net.ipv4.tcp_keepalive_intvl = 10',
          'net.ipv4.tcp_keepalive_probes = 9',
        ]),
      ],
    );
    const plan = planHost(facts, targets, opts);
    expect(plan.verdicts.map((v) => v.status)).toEqual([
      'compliant',
      'compliant',
      'compliant',
      'absent_allowed',
    ]);
    expect(plan.changes).toEqual([]);
    expect(plan.persistFile).toBeUndefined();
  });

  it('bumps the numeric prefix to sort after a shadowing vendor file, replacing our old name', () => {
    const facts = host({ [KA]: '60' }, [
      conf(OURS, [`${KA} = 60`]),
      conf('/usr/lib/sysctl.d/70-vendor.conf', [`${KA} = 7200`]),
    ]);
    const plan = planHost(facts, { [KA]: exact('60') }, opts);
    expect(plan.persistFile?.path).toBe('/etc/sysctl.d/71-sysfleet-keepalive.conf');
    expect(plan.persistFile?.replaces).toEqual([OURS]);
    expect(plan.shadowWarnings).toEqual([]);
  });

  it('falls back to 99-zz- to beat a 99- vendor file', () => {
    const facts = host({ [KA]: '60' }, [
      conf('/usr/lib/sysctl.d/99-vendor.conf', [`${KA} = 7200`]),
    ]);
    const plan = planHost(facts, { [KA]: exact('60') }, opts);
    expect(plan.persistFile?.path).toBe('/etc/sysctl.d/99-zz-sysfleet-keepalive.conf');
    expect(plan.persistFile?.replaces).toBeUndefined();
  });

  it('cannot beat /etc/sysctl.conf under procps: warns and never plans to edit it', () => {
    const facts = host(
      { [KA]: '7200' },
      [conf('/etc/sysctl.conf', ['', `${KA} = 7200`])],
      'procps',
    );
    const plan = planHost(facts, { [KA]: exact('60') }, opts);
    expect(plan.persistFile?.path).toBe('/etc/sysctl.d/99-zz-sysfleet-keepalive.conf');
    expect(plan.shadowWarnings).toEqual([
      `${KA}: /etc/sysctl.conf:2 sets 7200 and is read after /etc/sysctl.d/99-zz-sysfleet-keepalive.conf`,
    ]);
    expect(plan.changes.map((c) => c.key)).toEqual([KA]);
  });

  it('an exclusion read after our file erases our line under systemd: picks a later name', () => {
    const KR = 'net.ipv4.conf.all.rp_filter';
    const files = [
      conf('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2']),
      conf('/etc/sysctl.d/60-x.conf', [`-${KR}`]),
    ];
    const plan = planHost(host({ [KR]: '2' }, files), { [KR]: exact('2') }, opts);
    expect(plan.verdicts[0]).toMatchObject({
      status: 'not_persisted',
      detail: `no sysctl file sets it: /etc/sysctl.d/60-x.conf:1 excludes it from globs (-${KR})`,
    });
    expect(plan.persistFile?.path).toBe('/etc/sysctl.d/61-sysfleet-keepalive.conf');
    expect(plan.shadowWarnings).toEqual([]);
  });

  it('procps 4 writes explicit lines whatever the exclusions: keeps the first name', () => {
    const KR = 'net.ipv4.conf.all.rp_filter';
    const files = [
      conf('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2']),
      conf('/etc/sysctl.d/60-x.conf', [`-${KR}`]),
    ];
    const facts = { ...host({ [KR]: '2' }, files, 'procps'), sysctlTool: 'procps-ng 4.0.2' };
    const plan = planHost(facts, { [KR]: exact('2') }, opts);
    expect(plan.verdicts[0]).toMatchObject({ status: 'not_persisted' });
    expect(plan.persistFile?.path).toBe(OURS);
    expect(plan.shadowWarnings).toEqual([]);
  });

  it('procps 3.3 ignores globs: a key only a glob sets is not persisted', () => {
    const KR = 'net.ipv4.conf.all.rp_filter';
    const files = [conf('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2'])];
    const modern = { ...host({ [KR]: '2' }, files, 'procps'), sysctlTool: 'procps-ng 4.0.4' };
    const old = { ...modern, sysctlTool: 'procps-ng 3.3.17' };
    expect(planHost(modern, { [KR]: exact('2') }, opts).verdicts[0]?.status).toBe('compliant');
    expect(planHost(old, { [KR]: exact('2') }, opts).verdicts[0]?.status).toBe('not_persisted');
  });

  it('candidate names keep the prefix width and end with 99-zz-', () => {
    expect(candidateBasenames('97-x')).toEqual([
      '97-x.conf',
      '98-x.conf',
      '99-x.conf',
      '99-zz-x.conf',
    ]);
    expect(candidateBasenames('sysfleet')).toEqual(['sysfleet.conf', '99-zz-sysfleet.conf']);
  });
});

describe('planHost on captured hosts', () => {
  it('4.9 kernel with tcp_tw_recycle=1 set in sysctl.conf', () => {
    const facts = loadFacts('debian9-kernel-4.9-tw-recycle');
    const plan = planHost(
      facts,
      { 'net.ipv4.tcp_tw_recycle': { kind: 'absent_or', value: '0' } },
      opts,
    );
    expect(plan.verdicts[0]).toMatchObject({
      status: 'runtime_differs',
      runtime: '1',
      boot: { value: '1', file: '/etc/sysctl.d/99-sysctl.conf', line: 61 },
    });
    // The first name sorting after 99-sysctl.conf ('99-sysf' > '99-sysc') is enough.
    expect(plan.persistFile?.path).toBe('/etc/sysctl.d/99-sysfleet-keepalive.conf');
    expect(plan.shadowWarnings).toEqual([]);
    expect(plan.findings.map((f) => f.id)).toEqual(['tcp_tw_recycle_enabled']);
  });
});
