/**
 * What a lab host's own /etc looks like, rendered as text (pure). The imperative side writes
 * these into the host's backing directories before its mount namespace is built.
 */
import type { LabVariant, SudoMode } from './types.js';

/**
 * sshd in inetd mode (`sshd -i`), one process per connection, started inside the host's
 * namespaces: so MaxStartups never applies, MaxSessions (10) does. Keys only; UsePAM off so no
 * PAM session module touches the machine; authorized keys live in the host's own /etc/ssh.
 */
export function renderSshdConfig(v: LabVariant = {}): string {
  const variant = [
    ...(v.kex ? [`KexAlgorithms ${v.kex.join(',')}`] : []),
    ...(v.sshCa
      ? [
          'HostCertificate /etc/ssh/ssh_host_ed25519_key-cert.pub',
          'TrustedUserCAKeys /etc/ssh/lab_ca.pub',
        ]
      : []),
  ];
  return [
    '# sysfleet lab host: started as `sshd -i -e -f /etc/ssh/sshd_config` inside its namespaces',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'AuthorizedKeysFile /etc/ssh/authorized_keys/%u',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PrintMotd no',
    'PrintLastLog no',
    'AllowTcpForwarding yes',
    'PidFile none',
    'LogLevel ERROR',
    'Subsystem sftp internal-sftp',
    ...variant,
    '',
  ].join('\n');
}

/** /etc/sudoers.d/<user> for the non-root lab user (mode 0440). */
export function renderSudoersDropIn(user: string, mode: SudoMode): string {
  const tag = mode === 'nopasswd' ? 'NOPASSWD: ' : '';
  return `# sysfleet lab: sudo ${mode}\n${user} ALL=(ALL:ALL) ${tag}ALL\n`;
}

/**
 * /etc/doas.conf of a lab host (opendoas; root-owned, mode 0400): the lab user may become root
 * without a password where its sudo needs none, and only with its own password (which doas reads
 * from a terminal only: sysfleet types it on a PTY, src/transport/become-pty.ts) where sudo asks too.
 */
export function renderDoasConf(user: string, mode: SudoMode): string {
  const rule = mode === 'nopasswd' ? `permit nopass ${user} as root` : `permit ${user} as root`;
  return `# sysfleet lab: doas ${mode}\n${rule}\n`;
}

/** Machine account files plus the lab user, so the user exists only inside the lab. */
export interface AccountFiles {
  passwd: string;
  shadow: string;
  group: string;
}

export interface LabUser {
  name: string;
  uid: number;
  /** crypt(3) hash (sha512, `$6$...`) of the lab sudo password. */
  passwordHash: string;
}

/**
 * The machine's accounts with their password hashes blanked (`*`, or kept `!…` when locked): a
 * lab dir never holds a copy of the machine's secrets. Keys are how lab hosts are reached.
 */
export function blankShadow(shadow: string): string {
  return shadow
    .split('\n')
    .map((line) => {
      const f = line.split(':');
      if (f.length < 2) return line;
      f[1] = f[1]!.startsWith('!') ? '!' : '*';
      return f.join(':');
    })
    .join('\n');
}

/**
 * `rootHash`: root's crypt(3) hash on this host (su with a password needs one); without it root's
 * password stays blanked like every machine account's.
 */
export function renderAccounts(
  machine: AccountFiles,
  user: LabUser,
  rootHash?: string,
): AccountFiles {
  const add = (text: string, line: string): string =>
    (text.endsWith('\n') || text === '' ? text : text + '\n') + line + '\n';
  const drop = (text: string): string =>
    text
      .split('\n')
      .filter((l) => !l.startsWith(`${user.name}:`))
      .join('\n');
  return {
    passwd: add(
      drop(machine.passwd),
      `${user.name}:x:${user.uid}:${user.uid}:sysfleet lab user:/home/${user.name}:/bin/sh`,
    ),
    shadow: add(
      withRootHash(drop(blankShadow(machine.shadow)), rootHash),
      `${user.name}:${user.passwordHash}:20000:0:99999:7:::`,
    ),
    group: add(drop(machine.group), `${user.name}:x:${user.uid}:`),
  };
}

function withRootHash(shadow: string, hash: string | undefined): string {
  if (hash === undefined) return shadow;
  return shadow
    .split('\n')
    .map((line) => {
      const f = line.split(':');
      if (f[0] !== 'root' || f.length < 2) return line;
      f[1] = hash;
      return f.join(':');
    })
    .join('\n');
}

/** Which hosts give root a password: the last `n` of the list. */
export function rootPasswordFlags(count: number, n: number): boolean[] {
  const k = Math.max(0, Math.min(count, n));
  return Array.from({ length: count }, (_, i) => i >= count - k);
}

/** The first uid >= 2000 that no account in `passwd` uses (the lab user's uid and gid). */
export function freeUid(passwd: string, group: string, from = 2000): number {
  const used = new Set<number>();
  for (const text of [passwd, group]) {
    for (const line of text.split('\n')) {
      const id = Number(line.split(':')[2]);
      if (Number.isInteger(id)) used.add(id);
    }
  }
  let uid = from;
  while (used.has(uid)) uid++;
  return uid;
}

/**
 * The sysctl configuration every lab host starts with: a small Debian 12-like set. Only net.*
 * keys, on purpose: vm.*, kernel.* and fs.* are global, so a `sysctl --system` inside a lab host
 * must never find one (the machine's own 50-pid-max.conf and 99-protect-links.conf are NOT
 * copied). Keys here are all per network namespace on kernels >= 4.x.
 */
export interface SysctlSeed {
  /** basename -> content, for /usr/lib/sysctl.d */
  usrLib: Record<string, string>;
  /** basename -> content, for /etc/sysctl.d (plus the 99-sysctl.conf symlink, made separately) */
  etc: Record<string, string>;
  /** /etc/sysctl.conf */
  sysctlConf: string;
}

export function sysctlSeed(): SysctlSeed {
  return {
    usrLib: {
      '50-default.conf': [
        '# Debian-like defaults (net.* only in the sysfleet lab; see src/lab/README.md)',
        '',
        '# Source route verification',
        'net.ipv4.conf.default.rp_filter = 2',
        'net.ipv4.conf.*.rp_filter = 2',
        '-net.ipv4.conf.all.rp_filter',
        '',
        '# Do not accept source routing',
        'net.ipv4.conf.default.accept_source_route = 0',
        'net.ipv4.conf.*.accept_source_route = 0',
        '-net.ipv4.conf.all.accept_source_route',
        '',
        '# Promote secondary addresses when the primary address is removed',
        'net.ipv4.conf.default.promote_secondaries = 1',
        'net.ipv4.conf.*.promote_secondaries = 1',
        '-net.ipv4.conf.all.promote_secondaries',
        '',
        '# ping(8) without CAP_NET_ADMIN and CAP_NET_RAW',
        '-net.ipv4.ping_group_range = 0 2147483647',
        '',
      ].join('\n'),
    },
    etc: {
      'README.sysctl': [
        'Kernel system variables configuration files',
        '',
        'Files found under the /etc/sysctl.d directory that end with .conf are',
        'parsed within sysctl(8) at boot time.  If you want to set kernel variables',
        'you can either edit /etc/sysctl.conf or make a new file.',
        '',
        "The filename isn't important, but don't make it a package name as it may clash",
        'with something the package builder needs later. It must end with .conf though.',
        '',
        'My personal preference would be for local system settings to go into',
        '/etc/sysctl.d/local.conf but as long as you follow the rules for the names',
        'of the file, anything will work. See sysctl.conf(8) man page for details',
        'of the format.',
        '',
      ].join('\n'),
    },
    sysctlConf: [
      '#',
      '# /etc/sysctl.conf - Configuration file for setting system variables',
      '# See /etc/sysctl.d/ for additional system variables.',
      '# See sysctl.conf (5) for information.',
      '#',
      '',
      '# Uncomment the next line to enable TCP/IP SYN cookies',
      '#net.ipv4.tcp_syncookies=1',
      '',
      '# Uncomment the next line to enable packet forwarding for IPv4',
      '#net.ipv4.ip_forward=1',
      '',
    ].join('\n'),
  };
}

/** Which hosts get password sudo: the last `passwordHosts` of the list (the rest NOPASSWD). */
export function sudoModes(count: number, passwordHosts: number): SudoMode[] {
  const n = Math.max(0, Math.min(count, passwordHosts));
  return Array.from({ length: count }, (_, i) => (i >= count - n ? 'password' : 'nopasswd'));
}
