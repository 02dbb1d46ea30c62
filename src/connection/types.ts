/**
 * How one host is reached: inventory connection vars and ssh_config resolved into one record
 * (connection.ts), read by the transport. Pure data.
 */

/** A hop in a ProxyJump chain, outermost first. */
export interface JumpHost {
  address: string;
  port: number;
  user?: string;
  identityFiles: string[];
}

/** Resolved connection parameters for one host (inventory vars win over ssh_config). */
export interface HostConnection {
  name: string;
  connection: 'ssh' | 'local';
  address: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** ProxyJump chain, outermost first; empty for a direct connection. */
  jump: JumpHost[];
  become: boolean;
  becomeUser: string;
  /** ssh_config UserKnownHostsFile, if set there. */
  knownHostsFiles?: string[];
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
