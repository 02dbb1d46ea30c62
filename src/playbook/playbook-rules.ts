/**
 * Known-dangerous targets, refused unless the key is in the playbook's `force` list:
 * - tcp_tw_recycle = 1: drops SYNs from clients behind one NAT (incident 3);
 * - ip_local_port_range with low > high or outside 1..65535 (the kernel answers EINVAL, or a
 *   range that cannot work);
 * - keepalive that fires too late for the declared middlebox_idle_timeout (incident 1): the first
 *   probe (tcp_keepalive_time) must come before the idle timeout, and so must dead-peer detection
 *   (time + intvl × probes).
 * Pure: a function of the targets a host would get.
 */
import { valueToWrite } from './playbook-target.js';
import type { SysctlKey } from '../sysctl/types.js';
import type { Target } from './types.js';

export interface Refusal {
  key: SysctlKey;
  message: string;
  hint: string;
}

const KA_TIME = 'net.ipv4.tcp_keepalive_time';
const KA_INTVL = 'net.ipv4.tcp_keepalive_intvl';
const KA_PROBES = 'net.ipv4.tcp_keepalive_probes';
const KERNEL_DEFAULTS: Record<string, number> = { [KA_TIME]: 7200, [KA_INTVL]: 75, [KA_PROBES]: 9 };

/** Every value a target may leave on a host: what it writes and, for one_of, what it accepts. */
function valuesOf(t: Target): string[] {
  return t.kind === 'one_of' ? [...t.values, t.set] : [valueToWrite(t)];
}

/** The number a host ends up with for a keepalive key (playbook value, else kernel default). */
function keepaliveValue(
  targets: Record<SysctlKey, Target>,
  key: string,
): { n: number; declared: boolean } {
  const t = targets[key];
  const n = t ? Number(valueToWrite(t)) : NaN;
  return Number.isFinite(n) ? { n, declared: true } : { n: KERNEL_DEFAULTS[key]!, declared: false };
}

export function dangerousTargets(
  targets: Record<SysctlKey, Target>,
  middleboxIdleTimeout?: number,
): Refusal[] {
  const out: Refusal[] = [];
  const force = (key: string): string => `add "${key}" to force: if you really mean it`;
  const recycle = targets['net.ipv4.tcp_tw_recycle'];
  if (recycle && valuesOf(recycle).some((v) => v !== '0')) {
    out.push({
      key: 'net.ipv4.tcp_tw_recycle',
      message:
        'tcp_tw_recycle other than 0 silently drops SYNs from clients behind NAT (incident 3; the key was removed in Linux 4.12)',
      hint: `use {absent_or: 0}; for TIME_WAIT pressure use tcp_tw_reuse and ip_local_port_range, or ${force('net.ipv4.tcp_tw_recycle')}`,
    });
  }
  const range = targets['net.ipv4.ip_local_port_range'];
  if (range) {
    for (const v of valuesOf(range)) {
      const f = v.split(' ');
      const [lo, hi] = f.map(Number) as [number, number];
      if (f.length !== 2 || !f.every((x) => /^\d+$/.test(x))) {
        out.push({
          key: 'net.ipv4.ip_local_port_range',
          message: `ip_local_port_range ${JSON.stringify(v)} must be two numbers "low high"`,
          hint: 'e.g. "10240 65535"',
        });
      } else if (lo < 1 || hi > 65535 || lo > hi) {
        out.push({
          key: 'net.ipv4.ip_local_port_range',
          message: `ip_local_port_range "${v}" must satisfy 1 <= low <= high <= 65535`,
          hint: `the kernel refuses it with EINVAL; e.g. "10240 65535", or ${force('net.ipv4.ip_local_port_range')}`,
        });
      }
    }
  }
  if (
    middleboxIdleTimeout !== undefined &&
    (targets[KA_TIME] || targets[KA_INTVL] || targets[KA_PROBES])
  ) {
    const time = keepaliveValue(targets, KA_TIME);
    const intvl = keepaliveValue(targets, KA_INTVL);
    const probes = keepaliveValue(targets, KA_PROBES);
    if (time.n >= middleboxIdleTimeout) {
      out.push({
        key: KA_TIME,
        message: `tcp_keepalive_time ${time.n}${time.declared ? '' : ' (kernel default)'} is not below middlebox_idle_timeout ${middleboxIdleTimeout}: the middlebox forgets idle flows before the first probe (incident 1)`,
        hint: `set tcp_keepalive_time well below ${middleboxIdleTimeout}, or ${force(KA_TIME)}`,
      });
    } else {
      const detect = time.n + intvl.n * probes.n;
      if (detect > middleboxIdleTimeout) {
        out.push({
          key: KA_TIME,
          message: `keepalive detects a dead peer after ${detect} s (time ${time.n} + intvl ${intvl.n} × probes ${probes.n}), later than middlebox_idle_timeout ${middleboxIdleTimeout}`,
          hint: `lower tcp_keepalive_intvl or tcp_keepalive_probes, or ${force(KA_TIME)}`,
        });
      }
    }
  }
  return out;
}
