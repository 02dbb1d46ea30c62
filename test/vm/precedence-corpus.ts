/**
 * The precedence corpus of the VM tests: sysctl.d layouts that exercise masking by basename
 * across directories, ordering by basename, /dev/null masks, /etc/sysctl.conf, `-` lines and
 * globs against explicit keys. Each case uses its own keys, so one reboot judges them all.
 * Values are chosen to differ from each other and from the kernel defaults.
 */
export interface Layout {
  /** Absolute path in the guest -> content, or `{ symlink }`. */
  files: Record<string, string | { symlink: string }>;
  /** Appended to /etc/sysctl.conf. */
  sysctlConf?: string;
}

const conf = (...lines: string[]): string => lines.join('\n') + '\n';

/** Written before the reboot (all persistent places). */
export const BOOT_LAYOUT: Layout = {
  files: {
    // 1: a basename in /etc masks the same basename in /usr/local/lib and /usr/lib
    '/usr/lib/sysctl.d/70-sfp-mask.conf': conf('net.ipv4.tcp_keepalive_time = 1001'),
    '/usr/local/lib/sysctl.d/70-sfp-mask.conf': conf('net.ipv4.tcp_keepalive_time = 1003'),
    '/etc/sysctl.d/70-sfp-mask.conf': conf('net.ipv4.tcp_keepalive_time = 1002'),
    // 2: files apply sorted by basename whatever their directory: 72 (in /usr/lib) beats 71
    '/etc/sysctl.d/71-sfp-order.conf': conf('net.ipv4.tcp_keepalive_intvl = 21'),
    '/usr/lib/sysctl.d/72-sfp-order.conf': conf('net.ipv4.tcp_keepalive_intvl = 22'),
    // 3: a symlink to /dev/null masks the name and sets nothing
    '/usr/lib/sysctl.d/73-sfp-null.conf': conf('net.ipv4.tcp_keepalive_probes = 7'),
    '/etc/sysctl.d/73-sfp-null.conf': { symlink: '/dev/null' },
    // 4: /etc/sysctl.conf (through 99-sysctl.conf) against an earlier sysctl.d file
    '/etc/sysctl.d/98-sfp-conf.conf': conf('net.ipv4.tcp_fin_timeout = 42'),
    // 5: `-` lines: an unknown key is ignored, a real one applies
    '/etc/sysctl.d/74-sfp-dash.conf': conf(
      '-net.ipv4.sfp_no_such_key = 1',
      '-net.ipv4.tcp_syn_retries = 4',
      'net.core.netdev_max_backlog = 1234',
    ),
    // 6: an explicit key against a later glob that matches it
    '/etc/sysctl.d/75-sfp-glob.conf': conf('net.ipv4.conf.lo.arp_announce = 1'),
    '/etc/sysctl.d/76-sfp-glob.conf': conf('net.ipv4.conf.*.arp_announce = 2'),
    // 9: an exclusion keeps a glob off one key (systemd 245+, procps-ng 4; procps 3.3 has no globs)
    '/etc/sysctl.d/80-sfp-excl.conf': conf('net.ipv4.conf.*.arp_ignore = 2'),
    '/etc/sysctl.d/81-sfp-excl.conf': conf('-net.ipv4.conf.lo.arp_ignore'),
    // 10: an exclusion after an explicit line: systemd drops the line, procps writes it anyway
    '/etc/sysctl.d/82-sfp-excl.conf': conf('net.ipv4.conf.lo.arp_filter = 1'),
    '/etc/sysctl.d/83-sfp-excl.conf': conf('-net.ipv4.conf.lo.arp_filter'),
    // 7: same name twice in one file: the last line wins; comments of both kinds
    '/usr/lib/sysctl.d/78-sfp-twice.conf': conf(
      '# comment',
      '; another comment',
      'net.ipv4.tcp_synack_retries = 3',
      'net/ipv4/tcp_synack_retries = 4',
    ),
  },
  sysctlConf: conf('net.ipv4.tcp_fin_timeout = 41'),
};

/** Written after the reboot, for `sysctl --system` only (/run does not survive a reboot). */
export const RUN_LAYOUT: Layout = {
  files: {
    // 8: /run/sysctl.d masks /usr/lib/sysctl.d, and is masked by /etc/sysctl.d
    '/usr/lib/sysctl.d/77-sfp-run.conf': conf('net.ipv4.tcp_max_syn_backlog = 444'),
    '/run/sysctl.d/77-sfp-run.conf': conf('net.ipv4.tcp_max_syn_backlog = 333'),
    '/run/sysctl.d/79-sfp-run.conf': conf('net.ipv4.tcp_retries2 = 9'),
    '/etc/sysctl.d/79-sfp-run.conf': conf('net.ipv4.tcp_retries2 = 11'),
  },
};

export const CORPUS_KEYS = [
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_syn_retries',
  'net.core.netdev_max_backlog',
  'net.ipv4.conf.lo.arp_announce',
  'net.ipv4.conf.default.arp_announce',
  'net.ipv4.conf.all.arp_announce',
  'net.ipv4.conf.lo.arp_ignore',
  'net.ipv4.conf.default.arp_ignore',
  'net.ipv4.conf.lo.arp_filter',
  'net.ipv4.tcp_synack_retries',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.tcp_retries2',
] as const;

/** A script that writes a layout in the guest (content through quoted heredocs). */
export function layoutScript(layout: Layout): string {
  const out = ['set -eu'];
  let n = 0;
  for (const [path, body] of Object.entries(layout.files)) {
    const dir = path.slice(0, path.lastIndexOf('/'));
    out.push(`mkdir -p '${dir}'`);
    if (typeof body === 'string') {
      const tag = `SFP_EOF_${n++}`;
      out.push(`cat > '${path}' <<'${tag}'`, body.trimEnd(), tag);
    } else {
      out.push(`ln -sfn '${body.symlink}' '${path}'`);
    }
  }
  if (layout.sysctlConf) {
    out.push(`cat >> /etc/sysctl.conf <<'SFP_CONF'`, layout.sysctlConf.trimEnd(), 'SFP_CONF');
  }
  out.push('');
  return out.join('\n');
}
