/**
 * How one host is reached: inventory connection vars and ssh_config resolved into one record
 * (connection.ts), read by the transport. Pure data.
 */

export type BecomeMethod = 'sudo' | 'su' | 'doas';

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
  /** ansible_become_method when not sudo (the default). */
  becomeMethod?: BecomeMethod;
  /**
   * Why sysfleet cannot reach this host as the inventory describes it (a connection type or
   * become method it does not support, a template it cannot resolve): the host is reported
   * unreachable with this reason; the other hosts are worked on.
   */
  unreachable?: string;
  /** ssh_config UserKnownHostsFile, if set there. */
  knownHostsFiles?: string[];
  /** `sysfleet_become_password_env`: the environment variable holding this host's sudo password. */
  becomePasswordEnv?: string;
}
