/**
 * How one host is reached: inventory connection vars and ssh_config resolved into one record
 * (connection.ts), read by the transports (ssh2 and OpenSSH). Pure data.
 *
 * Values come out as OpenSSH would use them (`ssh -G` is the oracle): tokens expanded, `~`
 * replaced, defaults filled in. Optional fields are absent when not configured.
 */

import type { CanonicalName } from './ssh-resolve.js';

export type { CanonicalName };

export type BecomeMethod = 'sudo' | 'su' | 'doas';

/** Host-key checking as configured (`StrictHostKeyChecking`, lower-case; `off` = `no`). */
export type StrictHostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new';

/**
 * A hop in a ProxyJump chain, outermost first. Each hop is resolved with its OWN ssh_config
 * block (as `ssh -J` does: it runs `ssh -W` to the hop alias), never the target's.
 */
export interface JumpHost {
  /** The hop as written in ProxyJump / -J (the alias looked up in ssh_config). */
  name?: string;
  address: string;
  /** As HostConnection.connectName: the name ssh's getaddrinfo found for this hop. */
  connectName?: string;
  /** ssh could not resolve this hop's name (see HostConnection.unreachable). */
  unresolved?: string;
  /** Lookups of this hop's canonicalisation that could not be done as ssh does them. */
  lookupUnsure?: string[];
  port: number;
  /** The hop's own user (`user@` in the spec, inventory, its ssh_config User; else the local user). */
  user?: string;
  identityFiles: string[];
  /** The hop's CertificateFile list (ssh2 cannot use certificates: auto routes to OpenSSH). */
  certificateFiles?: string[];
  /** The hop's own UserKnownHostsFile list (default ~/.ssh/known_hosts ~/.ssh/known_hosts2). */
  knownHostsFiles?: string[];
  /** The hop's GlobalKnownHostsFile list (default /etc/ssh/ssh_known_hosts{,2}). */
  globalKnownHostsFiles?: string[];
  /** KexAlgorithms as configured for the hop (raw, e.g. `+sntrup761x25519-sha512@openssh.com`). */
  kexAlgorithms?: string;
  /** HostKeyAlgorithms as configured for the hop (raw). */
  hostKeyAlgorithms?: string;
  strictHostKeyChecking?: StrictHostKeyChecking;
  /**
   * The first hop's own ProxyCommand (tokens expanded, `exec ...`): the pool reaches that hop
   * through it. Later hops are always reached through the hop before them.
   */
  proxyCommand?: string;
}

/** Resolved connection parameters for one host (inventory vars win over ssh_config). */
export interface HostConnection {
  name: string;
  connection: 'ssh' | 'local';
  /** The host name ssh uses (ssh -G hostname): after HostName, lower-casing, canonicalisation. */
  address: string;
  /**
   * The name ssh's getaddrinfo found while canonicalising (`db.corp.example.`, with the dot it
   * asked), when it differs from `address`: ssh connects to the addresses of that lookup, so a
   * direct ssh2 connection asks for this name (known_hosts still uses `address`).
   */
  connectName?: string;
  /** What canonicalisation did (CanonicalizeHostname, CNAMEs, a numeric address rewritten). */
  canonical?: CanonicalName;
  port: number;
  user: string;
  /** IdentityFile list; OpenSSH's default list when none is configured (missing files skipped). */
  identityFiles: string[];
  /** True when identityFiles is OpenSSH's default list, not configured. */
  identityFilesDefault?: boolean;
  /** ProxyJump chain, outermost first; empty for a direct connection or a ProxyCommand. */
  jump: JumpHost[];
  /**
   * ProxyCommand as ssh runs it: `exec ` + the command, its tokens (%h %p %r %n %k %%) expanded
   * as OpenSSH does; run with `$SHELL -c` (else /bin/sh), its stdin/stdout are the connection. Absent for a direct or ProxyJump connection.
   * OpenSSH uses the first of ProxyCommand / ProxyJump that applies: never both.
   */
  proxyCommand?: string;
  /** CertificateFile list (tokens expanded). ssh2 cannot use certificates. */
  certificateFiles?: string[];
  /** KexAlgorithms as configured (raw: may start with + - ^), absent = the client's default. */
  kexAlgorithms?: string;
  /** HostKeyAlgorithms as configured (raw), absent = the client's default. */
  hostKeyAlgorithms?: string;
  strictHostKeyChecking?: StrictHostKeyChecking;
  become: boolean;
  becomeUser: string;
  /** ansible_become_method when not sudo (the default). */
  becomeMethod?: BecomeMethod;
  /**
   * Why sysfleet cannot reach this host as the inventory describes it (a connection type or
   * become method it does not support, a template it cannot resolve): the host is reported
   * unreachable with this reason; the other hosts are worked on.
   */
  unreachable?: string;
  /** UserKnownHostsFile (ssh_config or ansible ssh args); default ~/.ssh/known_hosts{,2}. */
  knownHostsFiles?: string[];
  /** GlobalKnownHostsFile; default /etc/ssh/ssh_known_hosts{,2}. */
  globalKnownHostsFiles?: string[];
  /** The ssh_config file used (`-F` in ansible ssh args, else the one loaded); for `ssh -F`. */
  sshConfigFile?: string;
  /**
   * ansible_ssh_common_args then ansible_ssh_extra_args, split as a shell would: what the
   * OpenSSH transport passes on to `ssh` (they have already been applied to the fields above).
   */
  sshArgs?: string[];
  /**
   * What the configuration asks that the ssh2 transport cannot do (e.g. `CertificateFile`,
   * `Match exec`, `PKCS11Provider`, `GSSAPIAuthentication`), one reason each; empty = ssh2 can.
   * `--transport auto` sends such a host to OpenSSH.
   */
  ssh2Limits?: string[];
  /** `sysfleet_become_password_env`: the environment variable holding this host's sudo password. */
  becomePasswordEnv?: string;
  /** The inventory's own ssh settings, raw, for the OpenSSH transport (ssh resolves the rest). */
  openssh?: OpenSshTarget;
  /** Which transport reaches this host and why (set by the CLI, src/transport/select.ts). */
  transport?: TransportChoice;
}

/**
 * What Ansible's ssh plugin hands `ssh` for a host: the destination as the inventory names it
 * (so the operator's ssh_config applies to it), the explicit inventory values, and the raw
 * ansible_ssh_common_args + ansible_ssh_extra_args, split as a shell would.
 */
export interface OpenSshTarget {
  destination: string;
  port?: number;
  user?: string;
  identityFile?: string;
  args: string[];
}

/** The transport for one host: ssh2 (in-process), the system ssh, or none (refused, with why). */
export interface TransportChoice {
  transport: 'ssh2' | 'openssh' | 'refused';
  reason: string;
}
