/**
 * The lab's data: what `lab up` made, as recorded in <lab dir>/state.json. Everything `lab down`
 * needs to undo is in here (or findable by the `sf-<lab>-` prefix when the state file is gone).
 */

/** How the non-root lab user gets root on a host. */
export type SudoMode = 'nopasswd' | 'password';

/** Machine-side directories and files that back a lab host's own copies (bind-mounted inside). */
export interface LabHostBacking {
  /** Backs /etc/sysctl.d */
  etcSysctlD: string;
  /** Backs /run/sysctl.d */
  runSysctlD: string;
  /** Backs /usr/lib/sysctl.d */
  usrLibSysctlD: string;
  /** Backs /usr/local/lib/sysctl.d */
  usrLocalLibSysctlD: string;
  /** Backs /lib/sysctl.d; absent when /lib is a symlink to usr/lib (merged /usr). */
  libSysctlD?: string;
  /** Backs /etc/sysctl.conf (a file). */
  sysctlConf: string;
  /** Backs /var/lib/sysfleet (apply snapshots). */
  varLibSysfleet: string;
  /** Backs /etc/ssh (sshd_config, host key, authorized_keys/<user>). */
  etcSsh: string;
}

export interface LabHost {
  /** Inventory hostname, e.g. `h01` or `bastion`. */
  name: string;
  /** TCP port on 127.0.0.1 in the machine's namespace (and, behind a bastion, inside it). */
  port: number;
  /** Network namespace name (`ip netns`), `sf-<lab>-<host>`. */
  netns: string;
  /** /run/netns/<netns> */
  netnsPath: string;
  /** Bind-mounted mount namespace file: enter with `nsenter --mount=<mntnsPath>`. */
  mntnsPath: string;
  /** This host's own directory in the lab state dir. */
  dir: string;
  backing: LabHostBacking;
  sudo: SudoMode;
  /** root has a password (the lab's root password, for su with a password); else root's is `*`. */
  rootPassword?: boolean;
  /** Reached only through the bastion's namespace (lab up --bastion). */
  behindBastion: boolean;
  /** Behind the bastion: by ProxyJump (default) or by a ProxyCommand (`ssh -W` through it). */
  route?: 'proxyjump' | 'proxycommand';
  /** Unix socket the supervisor serves this host's sshd on (the bastion forwarder uses it). */
  sockPath: string;
}

/** A process the lab started and must kill on undo/down. */
export interface LabProcess {
  pid: number;
  role: 'supervisor' | 'forwarder' | 'close-wait';
  host?: string;
}

export interface LabState {
  version: 1;
  name: string;
  dir: string;
  createdAt: string;
  /** Who made it (a test run id, or `cli`): test teardown removes only its own labs. */
  owner: string;
  hosts: LabHost[];
  bastion?: LabHost;
  processes: LabProcess[];
  user: { root: 'root'; nonRoot: string };
  keyPath: string;
  knownHostsPath: string;
  sshConfigPath: string;
  /** Inventory logging in as root. */
  inventoryPath: string;
  /** Inventory logging in as the non-root user with ansible_become. */
  becomeInventoryPath: string;
  /** File (mode 0600) holding the sudo password of the non-root user. */
  sudoPasswordPath: string;
  /** Name of the environment variable the become inventory expects the password in. */
  sudoPasswordEnv: string;
  /** File (mode 0600) holding root's password on the hosts with `rootPassword` (su). */
  rootPasswordPath?: string;
  /** `lab up --ssh-ca` / `--pq-only` (see variants.ts); absent for a plain lab. */
  variant?: LabVariant;
}

export interface LabVariant {
  /** Host certificates and user-certificate login from a lab CA (public key at caPubPath). */
  sshCa?: { caPubPath: string };
  /** The only key exchanges sshd offers (post-quantum hybrids). */
  kex?: string[];
}
