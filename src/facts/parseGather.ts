/**
 * parseGatherOutput: the whole stdout of gather.sh into HostFacts. Each section has its own small
 * pure parser; this file only wires them and derives the few facts that combine sections.
 */
import type { HostFacts } from './types.js';
import { GatherParseError, splitSections, tabRecord, toInt } from './sections.js';
import { parseSysctls } from './parseSysctls.js';
import { parseSysctlFiles } from './parseSysctlFiles.js';
import { parseSockstat } from './parseSockstat.js';
import { parseCounters } from './parseCounters.js';
import { parseOsRelease } from './parseOsRelease.js';

/**
 * `sysctl --version`'s telling line -> `procps-ng 4.0.2`, `procps 3.2.8`, `busybox 1.36.1`;
 * undefined when the gather printed none (systemd hosts) or it says nothing known.
 */
export function parseSysctlTool(lines: readonly string[]): string | undefined {
  const line = tabRecord(lines).sysctl;
  if (line === undefined) return undefined;
  const procps = /\b(procps(?:-ng)?)(?: version)? v?(\d+(?:\.\d+)+)/.exec(line);
  if (procps) return `${procps[1]} ${procps[2]}`;
  const busybox = /\bBusyBox v?(\d+(?:\.\d+)+)/.exec(line);
  if (busybox) return `busybox ${busybox[1]}`;
  return undefined;
}

type Counters = HostFacts['counters'];
type Sockstat = HostFacts['sockstat'];

function parseLoader(lines: readonly string[]): HostFacts['sysctlLoader'] {
  const rec = tabRecord(lines);
  return rec.pid1?.trim() === 'systemd' && rec['systemd-sysctl'] ? 'systemd' : 'procps';
}

function parseTcpStates(
  lines: readonly string[],
  counters: Counters,
  sockstat: Sockstat,
): HostFacts['tcpStates'] {
  const rec = tabRecord(lines);
  const source = rec.source === 'proc' ? 'proc' : 'ss';
  const fromPass = (name: string): number => toInt(rec[name]) ?? 0;
  // Tcp CurrEstab counts ESTABLISHED and CLOSE_WAIT together (RFC 1213 tcpCurrEstab; checked
  // against ss in src/facts/tcpstates.test.ts), so CLOSE_WAIT is subtracted.
  const currEstab = counters.Tcp?.CurrEstab;
  const states: HostFacts['tcpStates'] = {
    established:
      source === 'proc' || currEstab === undefined
        ? fromPass('established')
        : Math.max(0, currEstab - fromPass('close_wait')),
    timeWait:
      source === 'proc' ? fromPass('time_wait') : (sockstat.TCP?.tw ?? fromPass('time_wait')),
    closeWait: fromPass('close_wait'),
    synRecv: fromPass('syn_recv'),
    source,
  };
  if (rec.capped === '1') states.capped = true;
  return states;
}

function parsePortRange(lines: readonly string[]): [number, number] | undefined {
  const fields = (lines[0] ?? '').trim().split(/\s+/).map(Number);
  const [lo, hi] = fields;
  return fields.length === 2 && Number.isInteger(lo) && Number.isInteger(hi)
    ? [lo as number, hi as number]
    : undefined;
}

export function parseGatherOutput(
  host: string,
  stdout: string,
  gatheredAt: string = new Date().toISOString(),
): HostFacts {
  const sections = splitSections(host, stdout);
  const get = (name: string): string[] => sections.get(name) ?? [];

  const kernel = tabRecord(get('kernel'));
  if (!kernel.release) throw new GatherParseError(host, 'has no kernel release');
  const sockstat = { ...parseSockstat(get('sockstat')), ...parseSockstat(get('sockstat6')) };
  const counters = { ...parseCounters(get('snmp')), ...parseCounters(get('netstat')) };
  const conntrackRec = tabRecord(get('conntrack'));
  const conntrack: HostFacts['conntrack'] = {};
  const count = toInt(conntrackRec.count);
  const max = toInt(conntrackRec.max);
  if (count !== undefined) conntrack.count = count;
  if (max !== undefined) conntrack.max = max;

  const facts: HostFacts = {
    host,
    gatheredAt,
    kernel: kernel.machine
      ? { release: kernel.release, machine: kernel.machine }
      : { release: kernel.release },
    distro: parseOsRelease(get('os-release')),
    sysctlLoader: parseLoader(get('loader')),
    sysctls: parseSysctls(get('sysctl')),
    sysctlFiles: parseSysctlFiles(get('files')),
    sockstat,
    counters,
    conntrack,
    // A kernel without NUMA support has no /sys/devices/system/node: one node.
    numaNodes: Math.max(1, toInt(tabRecord(get('numa')).nodes) ?? 1),
  };
  // Absent when the gather was not asked to count (GatherWants.tcpStates): no section at all.
  const states = sections.get('tcpstates');
  if (states) facts.tcpStates = parseTcpStates(states, counters, sockstat);
  const tool = parseSysctlTool(get('loader'));
  if (tool) facts.sysctlTool = tool;
  const range = parsePortRange(get('portrange'));
  if (range) facts.localPortRange = range;
  // A copy: every string above is a V8 slice of `stdout`, and one kept field (a path, the
  // release) would keep the whole output alive for as long as the facts (a run holds them all).
  return structuredClone(facts);
}
