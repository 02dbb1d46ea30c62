/**
 * The bench's tables (pure, Markdown): per fleet size and operation, wall / CPU / RSS of each
 * tool as median (min–max), and the ratios sysfleet/Ansible and sysfleet/floor from the same run.
 */
import { formatSummary, ratio, slope, summarize, type Summary } from './stats.js';

/** `sysfleet` runs --transport ssh2; `sysfleet-openssh` --transport openssh (same algorithms, SAME_ALGORITHMS). */
export type Tool = 'sysfleet' | 'sysfleet-openssh' | 'ansible' | 'floor';
export type Op = 'check' | 'apply' | 'rollback';

export interface Sample {
  hosts: number;
  tool: Tool;
  op: Op;
  run: number;
  wallS: number;
  cpuS: number;
  rssKiB: number;
  treePssKiB: number;
  /** CPU the lab's hosts spent on the command (sshd and all it ran); absent in older results. */
  hostsCpuS?: number;
  /** Exit code as expected and the hosts in the state the operation promises. */
  ok: boolean;
  note?: string;
}

const OPS: Op[] = ['check', 'apply', 'rollback'];

function pick(samples: readonly Sample[], hosts: number, tool: Tool, op: Op): Sample[] {
  return samples.filter((s) => s.hosts === hosts && s.tool === tool && s.op === op && s.ok);
}

const fmt = formatSummary;

function fmtRatio(r: number | undefined): string {
  return r === undefined ? '—' : `${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}×`;
}

function stat(
  samples: Sample[],
  field: 'wallS' | 'cpuS' | 'rssKiB' | 'treePssKiB' | 'hostsCpuS',
): Summary | undefined {
  const values = samples.map((s) => s[field]).filter((v): v is number => Number.isFinite(v));
  return summarize(values);
}

export function comparisonTable(samples: readonly Sample[]): string {
  const sizes = [...new Set(samples.map((s) => s.hosts))].sort((a, b) => a - b);
  const head = [
    '| N | op | sysfleet wall s | Ansible wall s | floor wall s | sysfleet/Ansible | sysfleet/floor | sysfleet CPU s | Ansible CPU s (tree) | floor CPU s | sysfleet RSS MiB | Ansible RSS MiB (largest proc / tree PSS) | floor RSS MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const rows: string[] = [];
  for (const n of sizes) {
    for (const op of OPS) {
      const sf = pick(samples, n, 'sysfleet', op);
      const an = pick(samples, n, 'ansible', op);
      const fl = pick(samples, n, 'floor', op);
      if (sf.length + an.length + fl.length === 0) continue;
      rows.push(
        `| ${n} | ${op} | ${fmt(stat(sf, 'wallS'), 2)} | ${fmt(stat(an, 'wallS'), 2)} | ${fmt(stat(fl, 'wallS'), 2)} | ` +
          `${fmtRatio(ratio(stat(sf, 'wallS'), stat(an, 'wallS')))} | ${fmtRatio(ratio(stat(sf, 'wallS'), stat(fl, 'wallS')))} | ` +
          `${fmt(stat(sf, 'cpuS'), 2)} | ${fmt(stat(an, 'cpuS'), 1)} | ${fmt(stat(fl, 'cpuS'), 2)} | ` +
          `${fmt(stat(sf, 'rssKiB'), 0, 1024)} | ${an.length ? `${fmt(stat(an, 'rssKiB'), 0, 1024)} / ${fmt(stat(an, 'treePssKiB'), 0, 1024)}` : '—'} | ` +
          `${fmt(stat(fl, 'rssKiB'), 0, 1024)} |`,
      );
    }
  }
  return [...head, ...rows].join('\n');
}

const TOOLS: Tool[] = ['sysfleet', 'sysfleet-openssh', 'ansible', 'floor'];

/**
 * Where the machine's CPU went, per tool: the control process (tree) and the lab's hosts, and how
 * many cores that kept busy on average over the wall time. The lab's hosts run on the same cores
 * as the control process, so a tool whose hosts do more work is slower here than on a real fleet,
 * where every host has its own CPU.
 */
export function cpuTable(samples: readonly Sample[]): string {
  const sizes = [...new Set(samples.map((s) => s.hosts))].sort((a, b) => a - b);
  const lines = [
    '| N | op | tool | wall s | control CPU s | hosts CPU s | hosts CPU ms per host | cores busy |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const n of sizes) {
    for (const op of OPS) {
      for (const tool of TOOLS) {
        const picked = pick(samples, n, tool, op);
        const wall = stat(picked, 'wallS');
        if (!wall) continue;
        const cpu = stat(picked, 'cpuS');
        const hosts = stat(picked, 'hostsCpuS');
        const busy =
          cpu && hosts && wall.median > 0
            ? ((cpu.median + hosts.median) / wall.median).toFixed(2)
            : '—';
        const perHost = hosts ? ((hosts.median / n) * 1000).toFixed(1) : '—';
        lines.push(
          `| ${n} | ${op} | ${tool} | ${fmt(wall, 2)} | ${fmt(cpu, 2)} | ${fmt(hosts, 2)} | ${perHost} | ${busy} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

/** What both transports negotiate with the lab's OpenSSH 9.2 sshd in the bench. */
export const SAME_ALGORITHMS =
  'kex curve25519-sha256@libssh.org, host key ssh-ed25519, cipher aes128-gcm@openssh.com';

/**
 * The two transports side by side: sysfleet over ssh2 and over the system ssh (ControlMaster per
 * host), beside the ssh2 floor, all with SAME_ALGORITHMS. Goal (issue 18): openssh/floor <= 1.5.
 */
export function transportTable(samples: readonly Sample[]): string {
  const sizes = [...new Set(samples.map((s) => s.hosts))].sort((a, b) => a - b);
  const lines = [
    `Key exchange and ciphers, both transports: ${SAME_ALGORITHMS}.`,
    '',
    '| N | op | ssh2 wall s | openssh wall s | floor wall s | openssh/ssh2 | openssh/floor | ssh2/floor | ssh2 CPU s | openssh CPU s (tree) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const n of sizes) {
    for (const op of OPS) {
      const s2 = pick(samples, n, 'sysfleet', op);
      const os = pick(samples, n, 'sysfleet-openssh', op);
      const fl = pick(samples, n, 'floor', op);
      if (os.length === 0) continue;
      const w = (x: Sample[]) => stat(x, 'wallS');
      lines.push(
        `| ${n} | ${op} | ${fmt(w(s2), 2)} | ${fmt(w(os), 2)} | ${fmt(w(fl), 2)} | ` +
          `${fmtRatio(ratio(w(os), w(s2)))} | ${fmtRatio(ratio(w(os), w(fl)))} | ${fmtRatio(ratio(w(s2), w(fl)))} | ` +
          `${fmt(stat(s2, 'cpuS'), 2)} | ${fmt(stat(os, 'cpuS'), 2)} |`,
      );
    }
  }
  return lines.join('\n');
}

/** Control-node memory per host: slope of sysfleet's peak RSS over N, per operation. */
export function memoryPerHost(samples: readonly Sample[]): string {
  const lines = [
    '| op | sizes | sysfleet peak RSS per host (slope), KiB | floor per host, KiB |',
    '|---|---|---|---|',
  ];
  for (const op of OPS) {
    const points = (tool: Tool): { x: number; y: number }[] => {
      const sizes = [
        ...new Set(samples.filter((s) => s.tool === tool && s.op === op).map((s) => s.hosts)),
      ];
      return sizes.flatMap((n) => {
        const s = stat(pick(samples, n, tool, op), 'rssKiB');
        return s ? [{ x: n, y: s.median }] : [];
      });
    };
    const sf = points('sysfleet');
    if (sf.length < 2) continue;
    const per = slope(sf);
    const fl = slope(points('floor'));
    lines.push(
      `| ${op} | ${sf.map((p) => p.x).join(', ')} | ${per === undefined ? '—' : per.toFixed(0)} | ${fl === undefined ? '—' : fl.toFixed(0)} |`,
    );
  }
  return lines.join('\n');
}

/** Runs that did not count (wrong exit code, hosts not in the promised state), with why. */
export function failures(samples: readonly Sample[]): string[] {
  return samples
    .filter((s) => !s.ok)
    .map((s) => `N=${s.hosts} ${s.tool} ${s.op} run ${s.run}: ${s.note ?? 'failed'}`);
}
