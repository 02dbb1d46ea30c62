/**
 * Evidence -> findings, pure. Thresholded findings are emitted whenever their threshold is
 * configured and the evidence exists (severity `ok` included, so reports can graph them);
 * informational ones only when the problem is present. Incident numbers refer to docs/incidents.md.
 */
import type { GatherWants, HostFacts } from '../facts/types.js';
import type { EvidenceThreshold, EvidenceThresholds } from '../playbook/types.js';
import type { Finding, Severity } from './types.js';

export function severityOf(value: number, t: EvidenceThreshold): Severity {
  if (t.crit !== undefined && value >= t.crit) return 'critical';
  if (t.warn !== undefined && value >= t.warn) return 'warning';
  return 'ok';
}

function thresholded(
  id: string,
  incident: number,
  value: number,
  t: EvidenceThreshold,
  message: string,
): Finding {
  const f: Finding = { id, severity: severityOf(value, t), incident, message, value };
  if (t.warn !== undefined) f.warn = t.warn;
  if (t.crit !== undefined) f.crit = t.crit;
  return f;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
const pct = (n: number): string => `${Math.round(n * 1000) / 10}%`;

/**
 * What the gather must read on each host for these thresholds: the socket counts (one ss, the
 * host's costliest step) only for the CLOSE_WAIT and TIME_WAIT findings, the /proc/net counter
 * files for those and the accept-queue overflows. conntrack, the port range and NUMA nodes cost
 * no program start and are always read.
 */
export function gatherWantsOf(evidence: EvidenceThresholds): GatherWants {
  const tcpStates =
    evidence.close_wait !== undefined || evidence.time_wait_port_ratio !== undefined;
  return { tcpStates, net: tcpStates || evidence.listen_overflows_delta !== undefined };
}

export function computeFindings(
  facts: HostFacts,
  evidence: EvidenceThresholds,
  previous?: HostFacts,
): Finding[] {
  const out: Finding[] = [];
  const states = facts.tcpStates;
  const atLeast = states?.capped ? 'at least ' : '';

  const range = facts.localPortRange;
  if (evidence.time_wait_port_ratio && range && states) {
    const size = range[1] - range[0] + 1;
    const ratio = size > 0 ? states.timeWait / size : 0;
    out.push(
      thresholded(
        'time_wait_port_ratio',
        2,
        round(ratio),
        evidence.time_wait_port_ratio,
        `${atLeast}${states.timeWait} sockets in TIME_WAIT for ${size} local ports (${pct(ratio)}): connect() may fail with EADDRNOTAVAIL`,
      ),
    );
  }

  if (evidence.close_wait && states) {
    const n = states.closeWait;
    const was = previous?.tcpStates?.closeWait;
    const growth =
      previous && was !== undefined
        ? ` (${n - was >= 0 ? '+' : ''}${n - was} since ${previous.gatheredAt})`
        : '';
    out.push(
      thresholded(
        'close_wait',
        5,
        n,
        evidence.close_wait,
        `${atLeast}${n} sockets in CLOSE_WAIT${growth}: an application is not closing its sockets`,
      ),
    );
  }

  const overflows = facts.counters.TcpExt?.ListenOverflows;
  const before = previous?.counters.TcpExt?.ListenOverflows;
  if (evidence.listen_overflows_delta && overflows !== undefined && before !== undefined) {
    // A smaller value means the counter restarted (reboot): count from zero.
    const delta = overflows >= before ? overflows - before : overflows;
    out.push(
      thresholded(
        'listen_overflows_delta',
        4,
        delta,
        evidence.listen_overflows_delta,
        `${delta} accept-queue overflows (TcpExt ListenOverflows) since ${previous?.gatheredAt}: raise net.core.somaxconn and the listen() backlog`,
      ),
    );
  }

  const { count, max } = facts.conntrack;
  if (evidence.conntrack_fill && count !== undefined && max !== undefined && max > 0) {
    const fill = count / max;
    out.push(
      thresholded(
        'conntrack_fill',
        4,
        round(fill),
        evidence.conntrack_fill,
        `conntrack table ${count}/${max} (${pct(fill)}): new flows are dropped when it is full`,
      ),
    );
  }

  const recycle = facts.sysctls['net.ipv4.tcp_tw_recycle'];
  if (recycle?.state === 'value' && recycle.value.trim() !== '0') {
    out.push({
      id: 'tcp_tw_recycle_enabled',
      severity: 'warning',
      incident: 3,
      value: Number(recycle.value) || 1,
      message: `net.ipv4.tcp_tw_recycle=${recycle.value} on kernel ${facts.kernel.release}: clients behind one NAT get their SYNs dropped; set it to 0`,
    });
  }

  const zone = facts.sysctls['vm.zone_reclaim_mode'];
  if (facts.numaNodes > 1 && zone?.state === 'value' && zone.value.trim() !== '0') {
    out.push({
      id: 'numa_zone_reclaim',
      severity: 'warning',
      incident: 6,
      value: Number(zone.value) || 1,
      message: `${facts.numaNodes} NUMA nodes and vm.zone_reclaim_mode=${zone.value}: zone reclaim hurts databases; set it to 0`,
    });
  }
  return out;
}
