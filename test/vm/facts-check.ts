/**
 * The facts half of the VM tests: what sysfleet gathered from a guest, compared with what the
 * guest's own `sysctl -a`, `ss`, `uname` and /proc say, read directly just before and just after.
 * Values that the kernel changes by itself between two reads are compared within that bracket.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { parseGatherOutput, type HostFacts } from '../../src/facts/index.js';
import { buildGatherScript } from '../../src/facts/script.js';
import { KNOWN_SYSCTLS } from '../../src/sysctl/known-sysctls.js';
import type { VmLab } from '../../src/lab/vm/index.js';
import { cli, labArgs, SLOW_HOSTS, normalise, parseSysctlA, type ControlNode } from './support.js';

/** Keys whose value changes on every read, or by itself (not something a gather can match). */
export const VOLATILE =
  /^(kernel\.random\.(uuid|entropy_avail)|kernel\.ns_last_pid|fs\.(dentry-state|inode-nr|inode-state|file-nr)|kernel\.pty\.nr|net\.netfilter\.nf_conntrack_count|fs\.quota\.|kernel\.random\.boot_id$)/;

export interface Direct {
  sysctls: Record<string, string>;
  release: string;
  osId: string;
  numaNodes: number;
  /** `ss -tan` state counts, or undefined without ss (busybox). */
  ss?: Record<string, number>;
  sockstat: Record<string, Record<string, number>>;
  counters: Record<string, Record<string, number>>;
  files: string[];
}

const SCRIPT = [
  'sysctl -a 2>/dev/null',
  'echo @@release; uname -r',
  'echo @@os; . /etc/os-release; echo "$ID"',
  'echo @@numa; ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l',
  "echo @@ss; if command -v ss >/dev/null; then ss -Htan | awk '{print $1}' | sort | uniq -c; fi",
  'echo @@sockstat; cat /proc/net/sockstat /proc/net/sockstat6 2>/dev/null',
  'echo @@counters; cat /proc/net/snmp /proc/net/netstat',
  // a directory reached twice (/lib -> usr/lib) counts once, under its first name
  'echo @@files; seen=" "; for d in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do [ -d "$d" ] || continue; r=$(cd -P "$d" && pwd); case $seen in *" $r "*) continue ;; esac; seen="$seen$r "; for f in "$d"/*.conf; do if [ -e "$f" ] || [ -L "$f" ]; then echo "$f"; fi; done; done; if [ -e /etc/sysctl.conf ]; then echo /etc/sysctl.conf; fi',
  '',
].join('\n');

function pairs(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.split('\n').filter(Boolean);
  for (let i = 0; i + 1 < lines.length; i++) {
    const [h, v] = [lines[i]!.split(/\s+/), lines[i + 1]!.split(/\s+/)];
    if (h[0] !== v[0] || !h[0]!.endsWith(':') || v.slice(1).some((x) => !/^-?\d+$/.test(x))) {
      continue;
    }
    const group = (out[h[0]!.slice(0, -1)] ??= {});
    h.slice(1).forEach((name, j) => (group[name] = Number(v[j + 1])));
    i++;
  }
  return out;
}

function sockstat(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+): (.*)$/.exec(line);
    if (!m) continue;
    const f = m[2]!.split(/\s+/);
    const g = (out[m[1]!] ??= {});
    for (let i = 0; i + 1 < f.length; i += 2) g[f[i]!] = Number(f[i + 1]);
  }
  return out;
}

export async function readDirect(lab: VmLab, host: string): Promise<Direct> {
  const out = await lab.shOk(host, SCRIPT, { timeoutMs: 60_000 });
  const parts = out.split(/^@@(\w+)\n/m);
  const sec: Record<string, string> = { sysctl: parts[0]! };
  for (let i = 1; i + 1 < parts.length; i += 2) sec[parts[i]!] = parts[i + 1]!;
  const ss: Record<string, number> = {};
  for (const line of (sec['ss'] ?? '').split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)/.exec(line);
    if (m) ss[m[2]!] = Number(m[1]);
  }
  return {
    sysctls: parseSysctlA(sec['sysctl']!),
    release: sec['release']!.trim(),
    osId: sec['os']!.trim(),
    numaNodes: Number(sec['numa']!.trim()),
    ...((sec['ss'] ?? '').trim() ? { ss } : {}),
    sockstat: sockstat(sec['sockstat'] ?? ''),
    counters: pairs(sec['counters'] ?? ''),
    files: (sec['files'] ?? '').split('\n').filter(Boolean).sort(),
  };
}

/**
 * Keys to gather: with `all`, everything `sysctl -a` listed that a read can reproduce; else the
 * keys sysfleet knows (src/sysctl/known-sysctls.ts), present or not on this kernel.
 */
export function gatherableKeys(d: Direct, all: boolean): string[] {
  if (!all) return [...KNOWN_SYSCTLS];
  return Object.keys(d.sysctls).filter((k) => !VOLATILE.test(k) && /^[A-Za-z0-9_.-]+$/.test(k));
}

/**
 * Keys per `sysfleet facts` call: gather.sh's value lookup grows much faster than linearly with
 * the key count (dash on this machine: 50 keys 0.1 s, 200 keys 13 s, 400 keys 126 s), so the
 * whole `sysctl -a` is gathered in slices.
 */
export const KEYS_PER_GATHER = 50;

function within(host: string, what: string, got: number, a: number, b: number, slack = 0): void {
  const lo = Math.min(a, b) - slack;
  const hi = Math.max(a, b) + slack;
  expect(got >= lo && got <= hi, `${host} ${what}: ${got} not in [${lo}, ${hi}]`).toBe(true);
}

/** Gauges among /proc/net/snmp+netstat (may go down); every other field only grows. */
const GAUGES = new Set([
  'Tcp.CurrEstab',
  'Tcp.MaxConn',
  'Tcp.RtoMin',
  'Tcp.RtoMax',
  'Tcp.RtoAlgorithm',
  'Ip.Forwarding',
  'Ip.DefaultTTL',
]);

/** Compare facts with the two direct reads that bracket the gather. */
export function expectFactsMatch(host: string, f: HostFacts, d1: Direct, d2: Direct): number {
  let compared = 0;
  for (const [key, reading] of Object.entries(f.sysctls)) {
    const a = d1.sysctls[key];
    const b = d2.sysctls[key];
    if (a === undefined) {
      expect(reading.state, `${host} ${key}: not in sysctl -a`).not.toBe('value');
      continue;
    }
    expect(reading.state, `${host} ${key}`).toBe('value');
    if (reading.state !== 'value') continue;
    const got = normalise(reading.value);
    if (a === b) expect(got, `${host} ${key}`).toBe(a);
    else expect([a, b], `${host} ${key} changed between reads`).toContain(got);
    compared++;
  }
  return compared + expectHostMatch(host, f, d1, d2);
}

/** Everything but the sysctls: kernel, distro, NUMA, files, counters, sockstat, TCP states. */
function expectHostMatch(host: string, f: HostFacts, d1: Direct, d2: Direct): number {
  expect(f.kernel.release, host).toBe(d1.release);
  expect(f.distro.id, host).toBe(d1.osId);
  expect(f.numaNodes, host).toBe(d1.numaNodes);
  expect(f.sysctlFiles.map((x) => x.path).sort(), `${host} sysctl files`).toEqual(d1.files);
  for (const [group, fields] of Object.entries(f.counters)) {
    for (const [name, got] of Object.entries(fields)) {
      const a = d1.counters[group]?.[name];
      const b = d2.counters[group]?.[name];
      expect(a, `${host} ${group}.${name} not in /proc`).toBeDefined();
      if (a === undefined || b === undefined) continue;
      // Gauges move with our own SSH sessions (one per read): slack of 2.
      within(host, `${group}.${name}`, got, a, b, GAUGES.has(`${group}.${name}`) ? 2 : 0);
    }
  }
  for (const [proto, fields] of Object.entries(f.sockstat)) {
    for (const [name, got] of Object.entries(fields)) {
      const a = d1.sockstat[proto]?.[name];
      const b = d2.sockstat[proto]?.[name];
      expect(a, `${host} sockstat ${proto} ${name}`).toBeDefined();
      if (a !== undefined && b !== undefined)
        within(host, `sockstat ${proto} ${name}`, got, a, b, 3);
    }
  }
  // buildGatherScript gathers everything by default: the counts must be there.
  const states = f.tcpStates;
  if (!states) throw new Error(`${host}: the gather counted no TCP states`);
  if (d1.ss && d2.ss) {
    expect(states.source, host).toBe('ss');
    const st = (d: Direct, s: string): number => d.ss?.[s] ?? 0;
    within(host, 'CLOSE-WAIT', states.closeWait, st(d1, 'CLOSE-WAIT'), st(d2, 'CLOSE-WAIT'), 1);
    within(host, 'SYN-RECV', states.synRecv, st(d1, 'SYN-RECV'), st(d2, 'SYN-RECV'), 1);
    within(host, 'ESTAB', states.established, st(d1, 'ESTAB'), st(d2, 'ESTAB'), 2);
    within(host, 'TIME-WAIT', states.timeWait, st(d1, 'TIME-WAIT'), st(d2, 'TIME-WAIT'), 2);
  } else {
    expect(states.source, host).toBe('proc');
  }
  return 0;
}

/**
 * `sysfleet facts` on one guest, in slices of KEYS_PER_GATHER keys, each bracketed by two direct
 * reads; returns how many sysctl values were compared.
 */
export async function expectGatheredMatches(
  lab: VmLab,
  ctl: ControlNode,
  host: string,
  all: boolean,
): Promise<number> {
  const keys = gatherableKeys(await readDirect(lab, host), all);
  let compared = 0;
  for (let i = 0; i < keys.length; i += KEYS_PER_GATHER) {
    const slice = keys.slice(i, i + KEYS_PER_GATHER);
    const d1 = await readDirect(lab, host);
    const r = await cli(ctl, [
      'facts',
      ...labArgs(lab),
      ...SLOW_HOSTS,
      '--limit',
      host,
      '--keys',
      slice.join(','),
    ]);
    const d2 = await readDirect(lab, host);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const facts = (JSON.parse(r.stdout) as Record<string, HostFacts>)[host]!;
    expect(Object.keys(facts.sysctls).sort(), host).toEqual([...slice].sort());
    compared += expectFactsMatch(host, facts, d1, d2);
  }
  return compared;
}

/**
 * gather.sh as sysfleet sends it with the fixtures' keys (test/fixtures/facts/keys.txt), run by
 * the guest's own sh; its parse must match the guest too. With SYSFLEET_VM_CAPTURE=1 the output
 * becomes test/fixtures/facts/vm-<distro>/output.txt for the parser tests.
 */
export async function expectFixtureMatches(lab: VmLab, host: string): Promise<void> {
  const keys = readFileSync(resolve('test/fixtures/facts/keys.txt'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const d1 = await readDirect(lab, host);
  const raw = await lab.shOk(host, buildGatherScript(keys));
  const d2 = await readDirect(lab, host);
  expectFactsMatch(host, parseGatherOutput(host, raw), d1, d2);
  if (process.env['SYSFLEET_VM_CAPTURE'] === '1') {
    const dir = resolve('test/fixtures/facts', `vm-${lab.host(host).distro}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'output.txt'), raw);
  }
}
