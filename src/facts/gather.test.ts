/**
 * The gather script itself, executed locally with dash, bash and busybox sh. It must be
 * read-only: static rules on its text, and a run inside a private mount namespace where / and
 * /proc/sys are remounted read-only must produce no stderr at all (a write would print
 * "Read-only file system"). Runs where the tools exist (root + unshare for the read-only run).
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGatherScript, InvalidKeyError, renderGatherScript } from './script.js';
import { parseGatherOutput } from './parseGather.js';
import { parseSysctlFiles } from './parseSysctlFiles.js';
import { isDevNull, SYSCTL_CONF, SYSCTL_DIRS } from '../plan/precedence.js';

const body = readFileSync(new URL('./gather.sh', import.meta.url), 'utf8');
const KEYS = [
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_tw_recycle',
  'net.ipv6.route.flush',
  'net/ipv4/tcp_fin_timeout',
];

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
const isRoot = process.getuid?.() === 0;
const shells: [string, string[]][] = [
  ['dash', ['dash', '-s']],
  ['bash', ['bash', '-s']],
  ['busybox', ['busybox', 'sh', '-s']],
];

/**
 * The files the gather must list, in its order: each sysctl.d directory once (one reached again
 * through a symlink, e.g. /lib -> usr/lib, is skipped), its *.conf by name, then /etc/sysctl.conf.
 */
function expectedSysctlFiles(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const d of SYSCTL_DIRS) {
    if (!existsSync(d)) continue;
    const real = realpathSync(d);
    if (seen.has(real)) continue;
    seen.add(real);
    for (const f of readdirSync(d)
      .filter((n) => n.endsWith('.conf'))
      .sort())
      out.push(`${d}/${f}`);
  }
  if (existsSync(SYSCTL_CONF)) out.push(SYSCTL_CONF);
  return out;
}

function run(argv: string[], input: string) {
  const [cmd, ...args] = argv as [string, ...string[]];
  return spawnSync(cmd, args, { input, encoding: 'utf8', timeout: 20_000, cwd: '/' });
}

describe('gather.sh text', () => {
  const code = body
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
  it('redirects output only to /dev/null or other descriptors', () => {
    const writes = [...code.matchAll(/\d?>>?\s*([^\s&;|)]+)/g)].map((m) => m[1]);
    expect(writes.filter((t) => t !== '/dev/null' && !/^&\d$/.test(t ?? ''))).toEqual([]);
  });
  it('calls no command that changes state', () => {
    // In command position: line start, after ; & | ( { or a then/do/else keyword. The one sysctl
    // call allowed asks for its version, with nothing else on its command line.
    const versionCall = /(^|[;&|({]|\b(then|do|else))\s*sysctl --version 2>&1 <\/dev\/null \|/gm;
    expect(code.match(versionCall)).toHaveLength(1);
    expect(code.replace(versionCall, '$1 :')).not.toMatch(
      /(^|[;&|({]|\b(then|do|else))\s*(sysctl|tee|rm|mv|cp|mkdir|touch|modprobe|insmod|ln|chmod|chown|dd|truncate|mount)\b/m,
    );
  });
});

describe('buildGatherScript', () => {
  it('defines a literal CR, then appends the keys as a quoted heredoc, canonical and de-duplicated', () => {
    const s = renderGatherScript('body\n', ['net.core.somaxconn', 'net/core/somaxconn']);
    expect(s).toBe(
      "SYSFLEET_CR='\r'\nSYSFLEET_WANT=' net tcpstates '\nbody\nsysfleet_main <<'SYSFLEET_KEYS'\nnet.core.somaxconn\nSYSFLEET_KEYS\n",
    );
  });
  it.each([
    [{ net: false, tcpStates: false }, "SYSFLEET_WANT=' '"],
    [{ net: true, tcpStates: false }, "SYSFLEET_WANT=' net '"],
    [{ net: true, tcpStates: true }, "SYSFLEET_WANT=' net tcpstates '"],
  ])('names the optional sections wanted: %j', (wants, line) => {
    expect(renderGatherScript('body\n', ['net.core.somaxconn'], wants).split('\n')[1]).toBe(line);
  });
  it.each([
    'net.ipv4.tcp_keepalive_time; rm -rf /',
    'net.ipv4.conf.*.rp_filter',
    '../../etc/passwd',
    'net..ipv4',
    'SYSFLEET_KEYS\nx',
    '',
    'net.ipv4.$(id)',
  ])('rejects %j', (key) => {
    expect(() => buildGatherScript([key])).toThrow(InvalidKeyError);
  });
});

/**
 * Runs the gather with `ss` and `awk` on PATH as shims that log their start and then run the
 * real program, so a test sees which programs a gather started.
 */
function runLogged(argv: string[], input: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sysfleet-gather-path-'));
  try {
    const log = join(dir, 'started');
    for (const prog of ['ss', 'awk']) {
      const real = spawnSync('sh', ['-c', `command -v ${prog}`], {
        encoding: 'utf8',
      }).stdout.trim();
      writeFileSync(join(dir, prog), `#!/bin/sh\necho ${prog} >>'${log}'\nexec '${real}' "$@"\n`, {
        mode: 0o755,
      });
    }
    const [cmd, ...args] = argv as [string, ...string[]];
    const r = spawnSync(cmd, args, {
      input,
      encoding: 'utf8',
      timeout: 20_000,
      cwd: '/',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
    const started = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').sort() : [];
    return { ...r, started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(shells)('gather.sh on %s', (name, argv) => {
  const available = has(name);
  it.skipIf(!available || !has('ss'))(
    'starts ss and the /proc/net awk only when they are wanted, and their facts follow',
    () => {
      const all = runLogged(argv, buildGatherScript(KEYS));
      expect(all.stderr).toBe('');
      expect(all.started).toEqual(['awk', 'ss']);
      const full = parseGatherOutput('local', all.stdout, '2025-01-01T00:00:00Z');
      expect(full.tcpStates?.source).toBe('ss');
      expect(full.counters.TcpExt?.ListenOverflows).toBeTypeOf('number');

      const none = runLogged(argv, buildGatherScript(KEYS, { net: false, tcpStates: false }));
      expect(none.stderr).toBe('');
      expect(none.status).toBe(0);
      expect(none.started).toEqual([]);
      const lean = parseGatherOutput('local', none.stdout, '2025-01-01T00:00:00Z');
      expect(lean.tcpStates).toBeUndefined();
      expect(lean.counters).toEqual({});
      expect(lean.sockstat).toEqual({});
      // Everything the plan always reads is still there, the same as in the full gather.
      expect(lean.sysctls).toEqual(full.sysctls);
      expect(lean.sysctlFiles).toEqual(full.sysctlFiles);
      expect(lean.localPortRange).toEqual(full.localPortRange);
      expect(lean.kernel).toEqual(full.kernel);

      const net = runLogged(argv, buildGatherScript(KEYS, { net: true, tcpStates: false }));
      expect(net.started).toEqual(['awk']);
      const counted = parseGatherOutput('local', net.stdout, '2025-01-01T00:00:00Z');
      expect(counted.tcpStates).toBeUndefined();
      expect(counted.counters.TcpExt?.ListenOverflows).toBeTypeOf('number');
    },
  );
  it.skipIf(!available)('runs, prints nothing on stderr and parses', () => {
    const r = run(argv, buildGatherScript(KEYS));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const facts = parseGatherOutput('local', r.stdout, '2025-01-01T00:00:00Z');
    expect(facts.kernel.release).toBe(
      spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim(),
    );
    expect(facts.sysctls['net.ipv4.tcp_keepalive_time']).toEqual({
      state: 'value',
      value: readFileSync('/proc/sys/net/ipv4/tcp_keepalive_time', 'utf8').trim(),
    });
    expect(facts.sysctls['net.ipv4.tcp_tw_recycle']?.state).toBe('absent');
    expect(facts.sysctls['net.ipv4.tcp_fin_timeout']?.state).toBe('value');
    expect(facts.localPortRange?.[0]).toBeLessThan(facts.localPortRange?.[1] ?? 0);
    expect(facts.counters.TcpExt?.ListenOverflows).toBeTypeOf('number');
    expect(facts.sysctlFiles.map((f) => f.path)).toEqual(expectedSysctlFiles());
    for (const f of facts.sysctlFiles)
      expect([f.path, f.symlink !== undefined]).toEqual([
        f.path,
        lstatSync(f.path).isSymbolicLink(),
      ]);
    if (isRoot) expect(facts.sysctls['net.ipv6.route.flush']?.state).toBe('unreadable');
  });

  // The kernel answers a read of stable_secret with EIO until one is set. mawk's getline ended the
  // whole reader there, and every key after it came back "read failed".
  const eio = '/proc/sys/net/ipv6/conf/all/stable_secret';
  it.skipIf(!available || !existsSync(eio))(
    'a key that fails to read loses no key after it',
    () => {
      const keys = [
        'net.ipv6.conf.all.stable_secret',
        'net.ipv4.tcp_keepalive_time',
        'net.ipv4.ip_local_port_range',
      ];
      const r = run(argv, buildGatherScript(keys));
      expect(r.status).toBe(0);
      const facts = parseGatherOutput('local', r.stdout, '2025-01-01T00:00:00Z');
      expect(facts.sysctls['net.ipv6.conf.all.stable_secret']).toMatchObject({
        state: 'unreadable',
        error: expect.stringMatching(/Input\/output error/),
      });
      expect(facts.sysctls['net.ipv4.tcp_keepalive_time']).toEqual({
        state: 'value',
        value: readFileSync('/proc/sys/net/ipv4/tcp_keepalive_time', 'utf8').trim(),
      });
      const range = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim();
      expect(facts.sysctls['net.ipv4.ip_local_port_range']).toEqual({
        state: 'value',
        value: range.split(/\s+/).join(' '),
      });
      expect(facts.localPortRange).toEqual(range.split(/\s+/).map(Number));
    },
  );

  it.skipIf(!available)('drops the CR of CRLF lines, with the literal CR and without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-crlf-'));
    try {
      const file = join(dir, '60-crlf.conf');
      writeFileSync(file, 'a = 1\r\n# note\r\nb = 2\r\n');
      const call = `sysfleet_lines '${file}'\n`;
      const full = renderGatherScript(body, []);
      const rendered = full.slice(0, full.lastIndexOf('sysfleet_main <<')) + call;
      expect(rendered.startsWith("SYSFLEET_CR='\r'")).toBe(true);
      for (const script of [rendered, `${body}\n${call}`]) {
        const r = run(argv, script);
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe('L\t1\ta = 1\nL\t3\tb = 2\n');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!available)('tells a symlink to /dev/null (also relative, chained) from others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-links-'));
    try {
      writeFileSync(join(dir, 'real.conf'), 'a = 1\n');
      symlinkSync('/dev/null', join(dir, '10-null.conf'));
      symlinkSync('10-null.conf', join(dir, '20-chain.conf'));
      symlinkSync(relative(dir, '/dev/null'), join(dir, '30-rel.conf'));
      symlinkSync('real.conf', join(dir, '40-file.conf'));
      symlinkSync('missing.conf', join(dir, '50-dangling.conf'));
      const names = ['10-null', '20-chain', '30-rel', '40-file', '50-dangling', 'real'];
      const calls = names.map((n) => `sysfleet_file '${dir}/${n}.conf' '${dir}'\n`).join('');
      const r = run(argv, `${body}\n${calls}`);
      expect(r.stderr).toBe('');
      const head = (n: string) => `file\t${dir}/${n}.conf\t${dir}\n`;
      expect(r.stdout).toBe(
        `${head('10-null')}link\t/dev/null\n` +
          `${head('20-chain')}link\t/dev/null\n` +
          `${head('30-rel')}link\t/dev/null\n` +
          `${head('40-file')}link\nL\t1\ta = 1\n` +
          `${head('50-dangling')}link\nerror\tnot readable\n` +
          `${head('real')}L\t1\ta = 1\n`,
      );
      const masked = parseSysctlFiles(r.stdout.trimEnd().split('\n')).map((f) => isDevNull(f));
      expect(masked).toEqual([true, true, true, false, false, false]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!available || !isRoot || !has('unshare'))(
    'writes nothing: clean run on a read-only / and /proc/sys',
    () => {
      const ro =
        'mount --make-rprivate / && mount --bind / / && mount -o remount,bind,ro / && ' +
        'mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && ' +
        'mount --bind /tmp /tmp && mount -o remount,bind,ro /tmp && exec "$@"';
      const r = run(
        ['unshare', '--mount', '--net', 'sh', '-c', ro, 'ro', ...argv],
        buildGatherScript(KEYS),
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trimEnd().endsWith('@@end')).toBe(true);
    },
  );
});
