/**
 * An inventory as sysfleet reads it (Ansible-compatible): produced by load-inventory.ts, read by
 * every later stage. Pure data.
 */

/** One host as the inventory declares it, after group/host var merging (Ansible precedence). */
export interface InventoryHost {
  /** inventory_hostname */
  name: string;
  /** Every group the host belongs to, transitively, including `all` (and `ungrouped` when so). */
  groups: string[];
  /** Merged variables (group_vars by depth, then host vars), as Ansible would compute them. */
  vars: Record<string, unknown>;
}

export interface InventoryGroup {
  name: string;
  hosts: string[]; // direct members
  children: string[];
  vars: Record<string, unknown>;
}

/** Where a value was written. */
export interface VarOrigin {
  file: string;
  line: number;
  col: number;
}

export interface Inventory {
  /** The sources read, in order (files, directories, scripts, ad-hoc lists). */
  sources: string[];
  /** Hosts in inventory order. */
  hosts: InventoryHost[];
  groups: Record<string, InventoryGroup>;
  /**
   * Where each templated string value (`{{ ... }}`) was first written, so an error resolving it
   * names its file and line. Ansible resolves templates when it connects, and so does sysfleet.
   */
  templateAt?: ReadonlyMap<string, VarOrigin>;
}
