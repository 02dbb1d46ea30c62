import { describe, expect, it } from 'vitest';
import type { SysctlFile } from '../facts/types.js';
import { parseSysctlLine } from '../facts/parseSysctlLine.js';
import {
  dialectOf,
  globToRegExp,
  keyMatches,
  loadOrder,
  resolveBoot,
  type Dialect,
  type Loader,
} from './precedence.js';

/** A file from `path` and its text lines (1-based numbering as in the file). */
function file(path: string, text: string[] = [], extra: Partial<SysctlFile> = {}): SysctlFile {
  const slash = path.lastIndexOf('/');
  const lines = text.flatMap((t, i) => parseSysctlLine(t, i + 1) ?? []);
  const dir = path === '/etc/sysctl.conf' ? path : path.slice(0, slash);
  return { path, dir, basename: path.slice(slash + 1), lines, ...extra };
}

const K = 'net.ipv4.tcp_keepalive_time';
type Row = {
  name: string;
  loader: Loader;
  /** Default: the loader's modern dialect (procps-ng 4 for procps). */
  dialect?: Dialect;
  files: SysctlFile[];
  key?: string;
  want: { file: string; line: number; value: string } | undefined;
};

const rows: Row[] = [
  {
    name: 'no file sets the key',
    loader: 'systemd',
    files: [file('/etc/sysctl.d/10-a.conf', ['net.core.somaxconn = 1024'])],
    want: undefined,
  },
  {
    name: 'later basename wins across directories (/usr/lib 99 beats /etc 60)',
    loader: 'systemd',
    files: [
      file('/etc/sysctl.d/60-sysfleet.conf', [`${K} = 60`]),
      file('/usr/lib/sysctl.d/99-vendor.conf', ['# vendor', `${K} = 7200`]),
    ],
    want: { file: '/usr/lib/sysctl.d/99-vendor.conf', line: 2, value: '7200' },
  },
  {
    name: 'same basename in /etc masks /usr/lib',
    loader: 'systemd',
    files: [
      file('/etc/sysctl.d/99-vendor.conf', [`${K} = 60`]),
      file('/usr/lib/sysctl.d/99-vendor.conf', [`${K} = 7200`]),
    ],
    want: { file: '/etc/sysctl.d/99-vendor.conf', line: 1, value: '60' },
  },
  {
    name: '/run masks /usr/lib but not /etc',
    loader: 'systemd',
    files: [
      file('/etc/sysctl.d/50-x.conf', [`${K} = 1`]),
      file('/run/sysctl.d/50-x.conf', [`${K} = 2`]),
      file('/run/sysctl.d/70-y.conf', [`${K} = 3`]),
      file('/usr/lib/sysctl.d/70-y.conf', [`${K} = 4`]),
    ],
    want: { file: '/run/sysctl.d/70-y.conf', line: 1, value: '3' },
  },
  {
    name: 'symlink to /dev/null disables the vendor file',
    loader: 'systemd',
    files: [
      file('/etc/sysctl.d/60-sysfleet.conf', [`${K} = 60`]),
      file('/etc/sysctl.d/99-vendor.conf', [], { symlink: { devNull: true } }),
      file('/usr/lib/sysctl.d/99-vendor.conf', [`${K} = 7200`]),
    ],
    want: { file: '/etc/sysctl.d/60-sysfleet.conf', line: 1, value: '60' },
  },
  {
    name: 'within one file the last line wins',
    loader: 'systemd',
    files: [file('/etc/sysctl.d/60-x.conf', [`${K} = 60`, `${K}=90`])],
    want: { file: '/etc/sysctl.d/60-x.conf', line: 2, value: '90' },
  },
  {
    name: 'systemd ignores /etc/sysctl.conf unless linked',
    loader: 'systemd',
    files: [
      file('/etc/sysctl.d/60-x.conf', [`${K} = 60`]),
      file('/etc/sysctl.conf', [`${K} = 7200`]),
    ],
    want: { file: '/etc/sysctl.d/60-x.conf', line: 1, value: '60' },
  },
  {
    name: 'systemd reads /etc/sysctl.conf through 99-sysctl.conf',
    loader: 'systemd',
    files: [
      file('/etc/sysctl.d/60-x.conf', [`${K} = 60`]),
      file('/etc/sysctl.d/99-sysctl.conf', [`${K} = 7200`], { symlink: { devNull: false } }),
      file('/etc/sysctl.conf', [`${K} = 7200`]),
    ],
    want: { file: '/etc/sysctl.d/99-sysctl.conf', line: 1, value: '7200' },
  },
  {
    name: 'procps reads /etc/sysctl.conf last, after every 99-* file',
    loader: 'procps',
    files: [
      file('/etc/sysctl.d/zz-last.conf', [`${K} = 60`]),
      file('/etc/sysctl.conf', ['', `${K} = 7200`]),
    ],
    want: { file: '/etc/sysctl.conf', line: 2, value: '7200' },
  },
  {
    name: 'procps reads a separate /lib/sysctl.d, masked by /usr/lib of the same name',
    loader: 'procps',
    files: [
      file('/usr/lib/sysctl.d/50-a.conf', [`${K} = 1`]),
      file('/lib/sysctl.d/50-a.conf', [`${K} = 2`]),
      file('/lib/sysctl.d/40-b.conf', [`${K} = 3`]),
    ],
    want: { file: '/usr/lib/sysctl.d/50-a.conf', line: 1, value: '1' },
  },
  {
    name: 'glob in a later file matches the key',
    loader: 'systemd',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [file('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2'])],
    want: { file: '/usr/lib/sysctl.d/50-default.conf', line: 1, value: '2' },
  },
  {
    name: 'systemd: explicit key wins over a later glob',
    loader: 'systemd',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [
      file('/etc/sysctl.d/10-x.conf', ['net.ipv4.conf.eth0.rp_filter = 0']),
      file('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2']),
    ],
    want: { file: '/etc/sysctl.d/10-x.conf', line: 1, value: '0' },
  },
  {
    name: 'explicit key after a glob wins (both loaders)',
    loader: 'procps',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [
      file('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2']),
      file('/etc/sysctl.d/60-x.conf', ['-net.ipv4.conf.eth0.rp_filter = 1']),
    ],
    want: { file: '/etc/sysctl.d/60-x.conf', line: 1, value: '1' },
  },
  {
    // procps-ng 4 write_setting_list: a glob skips keys with an explicit line anywhere (a real
    // `sysctl --system` on bookworm and trixie keeps the 75-*.conf value against 76-*.conf)
    name: 'procps 4: an explicit key beats a later glob too',
    loader: 'procps',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [
      file('/etc/sysctl.d/10-x.conf', ['net.ipv4.conf.eth0.rp_filter = 0']),
      file('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2']),
    ],
    want: { file: '/etc/sysctl.d/10-x.conf', line: 1, value: '0' },
  },
  {
    name: 'procps 3.3: a glob line sets nothing',
    loader: 'procps',
    dialect: 'plain',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [file('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2'])],
    want: undefined,
  },
  {
    name: 'procps 3.3: explicit lines in order, the glob between them ignored',
    loader: 'procps',
    dialect: 'plain',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [
      file('/etc/sysctl.d/10-x.conf', ['net.ipv4.conf.eth0.rp_filter = 0']),
      file('/etc/sysctl.d/20-y.conf', [
        '-net.ipv4.conf.eth0.rp_filter',
        'net.ipv4.conf.*.rp_filter = 2',
      ]),
      file('/etc/sysctl.d/30-z.conf', ['net.ipv4.conf.eth0.rp_filter = 1']),
    ],
    want: { file: '/etc/sysctl.d/30-z.conf', line: 1, value: '1' },
  },
  {
    name: 'systemd: an exclusion keeps an earlier glob off the key',
    loader: 'systemd',
    key: 'net.ipv4.conf.all.rp_filter',
    files: [
      file('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2']),
      file('/etc/sysctl.d/60-x.conf', ['-net.ipv4.conf.all.rp_filter']),
    ],
    want: undefined,
  },
  {
    name: 'systemd: an exclusion after an assignment of the key erases it',
    loader: 'systemd',
    key: 'net.ipv4.conf.all.rp_filter',
    files: [
      file('/etc/sysctl.d/10-x.conf', ['net.ipv4.conf.all.rp_filter = 1']),
      file('/etc/sysctl.d/60-x.conf', ['-net.ipv4.conf.all.rp_filter']),
    ],
    want: undefined,
  },
  {
    name: 'procps 4: an exclusion does not stop an explicit line',
    loader: 'procps',
    key: 'net.ipv4.conf.all.rp_filter',
    files: [
      file('/etc/sysctl.d/10-x.conf', ['net.ipv4.conf.all.rp_filter = 1']),
      file('/etc/sysctl.d/60-x.conf', [
        '-net.ipv4.conf.all.rp_filter',
        'net.ipv4.conf.*.rp_filter = 2',
      ]),
    ],
    want: { file: '/etc/sysctl.d/10-x.conf', line: 1, value: '1' },
  },
  {
    name: 'procps 4: a glob exclusion crosses dots (fnmatch without FNM_PATHNAME)',
    loader: 'procps',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [file('/etc/sysctl.d/60-x.conf', ['-net.ipv4.*', 'net.ipv4.conf.*.rp_filter = 2'])],
    want: undefined,
  },
  {
    name: 'systemd: a glob exclusion excludes nothing but its own pattern',
    loader: 'systemd',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [
      file('/etc/sysctl.d/60-x.conf', [
        '-net.ipv4.conf.eth*.rp_filter',
        'net.ipv4.conf.*.rp_filter = 2',
      ]),
    ],
    want: { file: '/etc/sysctl.d/60-x.conf', line: 2, value: '2' },
  },
  {
    name: 'systemd: a glob exclusion replaces the same glob read earlier',
    loader: 'systemd',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [
      file('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2']),
      file('/etc/sysctl.d/60-x.conf', ['-net.ipv4.conf.*.rp_filter']),
    ],
    want: undefined,
  },
  {
    name: 'systemd: a glob repeated with its value keeps its first place (procps writes it again)',
    loader: 'systemd',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [
      file('/etc/sysctl.d/10-a.conf', ['net.ipv4.conf.*.rp_filter = 1']),
      file('/etc/sysctl.d/20-b.conf', ['net.ipv4.conf.eth?.rp_filter = 2']),
      file('/etc/sysctl.d/30-c.conf', ['net.ipv4.conf.*.rp_filter = 1']),
    ],
    want: { file: '/etc/sysctl.d/20-b.conf', line: 1, value: '2' },
  },
  {
    name: 'procps 4: the same three files: the glob written last wins',
    loader: 'procps',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [
      file('/etc/sysctl.d/10-a.conf', ['net.ipv4.conf.*.rp_filter = 1']),
      file('/etc/sysctl.d/20-b.conf', ['net.ipv4.conf.eth?.rp_filter = 2']),
      file('/etc/sysctl.d/30-c.conf', ['net.ipv4.conf.*.rp_filter = 1']),
    ],
    want: { file: '/etc/sysctl.d/30-c.conf', line: 1, value: '1' },
  },
  {
    name: 'a glob does not cross a dot',
    loader: 'systemd',
    key: 'net.ipv4.conf.eth0.rp_filter',
    files: [file('/etc/sysctl.d/10-x.conf', ['net.*.rp_filter = 2'])],
    want: undefined,
  },
  {
    name: 'slash form and multi-value whitespace are normalised',
    loader: 'systemd',
    key: 'net.ipv4.ip_local_port_range',
    files: [file('/etc/sysctl.d/10-x.conf', ['net/ipv4/ip_local_port_range =  1024\t65000'])],
    want: { file: '/etc/sysctl.d/10-x.conf', line: 1, value: '1024 65000' },
  },
  {
    name: 'non-.conf files are ignored',
    loader: 'systemd',
    files: [file('/etc/sysctl.d/README.sysctl', [`${K} = 1`])],
    want: undefined,
  },
];

describe('resolveBoot', () => {
  it.each(rows)('$name', ({ loader, dialect, files, key, want }) => {
    const k = key ?? K;
    const r = resolveBoot(files, loader, [k], dialect)[k];
    expect(
      r?.boot ? { file: r.boot.file, line: r.boot.line, value: r.boot.value } : undefined,
    ).toEqual(want);
  });

  it('lists every assignment in apply order and the unreadable files', () => {
    const files = [
      file('/usr/lib/sysctl.d/99-vendor.conf', [`${K} = 7200`]),
      file('/etc/sysctl.d/60-x.conf', [`${K} = 60`]),
      file('/etc/sysctl.d/70-secret.conf', [], { error: 'not readable' }),
    ];
    const r = resolveBoot(files, 'systemd', [K])[K];
    expect(r?.assignments.map((a) => a.file)).toEqual([
      '/etc/sysctl.d/60-x.conf',
      '/usr/lib/sysctl.d/99-vendor.conf',
    ]);
    expect(r?.unknown).toEqual(['/etc/sysctl.d/70-secret.conf']);
  });
});

describe('dialectOf', () => {
  it.each([
    ['systemd', undefined, 'systemd'],
    ['systemd', 'procps-ng 3.3.17', 'systemd'],
    ['procps', 'procps-ng 4.0.2', 'procps'],
    ['procps', 'procps-ng 10.1', 'procps'],
    ['procps', 'procps-ng 3.3.17', 'plain'],
    ['procps', 'procps 3.2.8', 'plain'],
    ['procps', 'busybox 1.36.1', 'plain'],
    ['procps', undefined, 'procps'],
  ] as const)('%s with %s -> %s', (loader, tool, want) => {
    expect(dialectOf(loader, tool)).toBe(want);
  });
});

describe('exclusions', () => {
  it('name the line that keeps the globs off the key', () => {
    const k = 'net.ipv4.conf.all.rp_filter';
    const r = resolveBoot(
      [
        file('/usr/lib/sysctl.d/50-default.conf', ['net.ipv4.conf.*.rp_filter = 2']),
        file('/etc/sysctl.d/60-x.conf', ['# keep all as it is', '-net.ipv4.conf.all.rp_filter']),
      ],
      'systemd',
      [k],
    )[k];
    expect(r?.boot).toBeUndefined();
    expect(r?.excludedBy).toEqual({ file: '/etc/sysctl.d/60-x.conf', line: 2, pattern: k });
    expect(r?.assignments.map((a) => a.value)).toEqual(['2']);
  });
});

describe('loadOrder', () => {
  it('reports masked files and who masks them', () => {
    const o = loadOrder(
      [
        file('/etc/sysctl.d/99-vendor.conf', [], { symlink: { devNull: true } }),
        file('/usr/lib/sysctl.d/99-vendor.conf', [`${K} = 1`]),
        file('/usr/lib/sysctl.d/10-a.conf'),
      ],
      'systemd',
    );
    expect(o.applied.map((f) => f.path)).toEqual(['/usr/lib/sysctl.d/10-a.conf']);
    expect(o.masked).toEqual([
      { path: '/usr/lib/sysctl.d/99-vendor.conf', by: '/etc/sysctl.d/99-vendor.conf' },
      { path: '/etc/sysctl.d/99-vendor.conf', by: '/dev/null' },
    ]);
  });
});

describe('globs', () => {
  it.each([
    ['net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.all.rp_filter', true],
    ['net.ipv4.conf.*.rp_filter', 'net.ipv4.conf.eth0/100.rp_filter', true],
    ['net.ipv4.conf.eth?.rp_filter', 'net.ipv4.conf.eth1.rp_filter', true],
    ['net.ipv4.conf.eth[01].rp_filter', 'net.ipv4.conf.eth2.rp_filter', false],
    ['net.ipv4.conf.eth[!0].rp_filter', 'net.ipv4.conf.eth2.rp_filter', true],
    ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_keepalive_timeX', false],
  ])('%s ~ %s = %s', (pattern, key, ok) => {
    expect(keyMatches(pattern, key)).toBe(ok);
  });
  it('escapes regexp characters', () => {
    expect(globToRegExp('a.b+c').test('a.b+c')).toBe(true);
    expect(globToRegExp('a.b+c').test('aXbbc')).toBe(false);
  });
});
