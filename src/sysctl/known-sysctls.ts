/**
 * Sysctl keys sysfleet knows by name: the ones docs/incidents.md discusses plus common net.* tunables.
 * Used only for did-you-mean suggestions; a key missing here is allowed with a warning, since
 * kernels keep adding keys.
 */
import { isGlobalKey } from './key.js';

/** The keys of the incidents in docs/incidents.md: what `sysfleet facts` reads by default. */
export const INCIDENT_SYSCTLS: readonly string[] = [
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.tcp_tw_recycle',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_max_tw_buckets',
  'net.core.somaxconn',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.tcp_syncookies',
  'net.netfilter.nf_conntrack_max',
  'vm.zone_reclaim_mode',
];

export const KNOWN_SYSCTLS: readonly string[] = [
  // Incident 1: keepalive
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  // Incident 2/3: TIME_WAIT, ports
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.tcp_tw_recycle',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_max_tw_buckets',
  'net.ipv4.tcp_timestamps',
  // Incident 4: backlog, SYN, conntrack
  'net.core.somaxconn',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.tcp_synack_retries',
  'net.ipv4.tcp_syn_retries',
  'net.ipv4.tcp_abort_on_overflow',
  'net.core.netdev_max_backlog',
  'net.netfilter.nf_conntrack_max',
  'net.netfilter.nf_conntrack_buckets',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  'net.netfilter.nf_conntrack_tcp_timeout_fin_wait',
  'net.netfilter.nf_conntrack_tcp_loose',
  'net.netfilter.nf_conntrack_tcp_be_liberal',
  'net.nf_conntrack_max',
  // Incident 6: NUMA
  'vm.zone_reclaim_mode',
  // Common TCP tunables
  'net.ipv4.tcp_retries1',
  'net.ipv4.tcp_retries2',
  'net.ipv4.tcp_orphan_retries',
  'net.ipv4.tcp_max_orphans',
  'net.ipv4.tcp_sack',
  'net.ipv4.tcp_dsack',
  'net.ipv4.tcp_window_scaling',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_mem',
  'net.ipv4.tcp_congestion_control',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_mtu_probing',
  'net.ipv4.tcp_no_metrics_save',
  'net.ipv4.tcp_fastopen',
  'net.ipv4.tcp_ecn',
  'net.ipv4.tcp_rfc1337',
  'net.ipv4.tcp_notsent_lowat',
  'net.ipv4.tcp_autocorking',
  'net.ipv4.tcp_low_latency',
  'net.ipv4.tcp_challenge_ack_limit',
  'net.ipv4.udp_rmem_min',
  'net.ipv4.udp_wmem_min',
  'net.ipv4.udp_mem',
  'net.ipv4.ip_forward',
  'net.ipv4.ip_nonlocal_bind',
  'net.ipv4.ip_default_ttl',
  'net.ipv4.ip_no_pmtu_disc',
  'net.ipv4.icmp_echo_ignore_broadcasts',
  'net.ipv4.icmp_ignore_bogus_error_responses',
  'net.ipv4.icmp_ratelimit',
  'net.ipv4.conf.all.rp_filter',
  'net.ipv4.conf.default.rp_filter',
  'net.ipv4.conf.all.accept_redirects',
  'net.ipv4.conf.default.accept_redirects',
  'net.ipv4.conf.all.send_redirects',
  'net.ipv4.conf.default.send_redirects',
  'net.ipv4.conf.all.accept_source_route',
  'net.ipv4.conf.all.log_martians',
  'net.ipv4.conf.all.arp_ignore',
  'net.ipv4.conf.all.arp_announce',
  'net.ipv4.neigh.default.gc_thresh1',
  'net.ipv4.neigh.default.gc_thresh2',
  'net.ipv4.neigh.default.gc_thresh3',
  'net.ipv6.conf.all.disable_ipv6',
  'net.ipv6.conf.default.disable_ipv6',
  'net.ipv6.conf.all.forwarding',
  'net.ipv6.conf.all.accept_ra',
  'net.ipv6.bindv6only',
  'net.core.rmem_default',
  'net.core.rmem_max',
  'net.core.wmem_default',
  'net.core.wmem_max',
  'net.core.optmem_max',
  'net.core.default_qdisc',
  'net.core.busy_poll',
  'net.core.busy_read',
  'net.core.netdev_budget',
  'net.core.netdev_budget_usecs',
  'net.core.rps_sock_flow_entries',
  'net.core.bpf_jit_enable',
  'net.unix.max_dgram_qlen',
  // Global keys often seen beside them
  'vm.swappiness',
  'vm.overcommit_memory',
  'vm.max_map_count',
  'vm.dirty_ratio',
  'vm.dirty_background_ratio',
  'vm.min_free_kbytes',
  'kernel.pid_max',
  'kernel.threads-max',
  'kernel.panic',
  'kernel.sysrq',
  'fs.file-max',
  'fs.nr_open',
  'fs.inotify.max_user_watches',
  'fs.inotify.max_user_instances',
];

/** Per-interface settings, known for `all` and `default` (and so for any interface name). */
const PER_INTERFACE: Record<string, readonly string[]> = {
  'net.ipv4.conf': [
    'rp_filter',
    'accept_redirects',
    'send_redirects',
    'accept_source_route',
    'log_martians',
    'arp_ignore',
    'arp_announce',
    'arp_filter',
    'forwarding',
    'secure_redirects',
    'proxy_arp',
    'bootp_relay',
    'src_valid_mark',
    'route_localnet',
    'promote_secondaries',
  ],
  'net.ipv6.conf': [
    'disable_ipv6',
    'forwarding',
    'accept_ra',
    'accept_redirects',
    'accept_source_route',
    'autoconf',
    'use_tempaddr',
    'hop_limit',
    'mtu',
    'router_solicitations',
    'dad_transmits',
  ],
};

const KNOWN = new Set([
  ...KNOWN_SYSCTLS,
  ...Object.entries(PER_INTERFACE).flatMap(([tree, leaves]) =>
    leaves.flatMap((l) => [`${tree}.all.${l}`, `${tree}.default.${l}`]),
  ),
]);

/** Every key sysfleet knows by name (for did-you-mean). */
export const KNOWN_SYSCTL_SET: ReadonlySet<string> = KNOWN;

/**
 * `net.ipv4.conf.eth0.rp_filter` → `net.ipv4.conf.all.rp_filter`: an interface-specific key is
 * judged by its `all` form, so interface names never look like typos.
 */
export function canonicalInterfaceKey(key: string): string {
  const m = /^(net\.ipv[46]\.conf)\.([^.]+)\.([^.]+)$/.exec(key);
  return m ? `${m[1]}.all.${m[3]}` : key;
}

export function isKnownSysctl(key: string): boolean {
  return KNOWN.has(key) || KNOWN.has(canonicalInterfaceKey(key));
}

/** What callers need to know about a key before touching it (the lab refuses `global` keys). */
export interface KeyInfo {
  key: string;
  /** vm.*, kernel.*, fs.* …: not per network namespace, so a write changes the whole machine. */
  global: boolean;
  /** In sysfleet's list of known keys (unknown keys are allowed, with a warning). */
  known: boolean;
}

export function keyInfo(key: string): KeyInfo {
  return { key, global: isGlobalKey(key), known: isKnownSysctl(key) };
}
