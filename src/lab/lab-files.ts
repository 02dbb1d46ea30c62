/**
 * What every lab hands to sysfleet and OpenSSH, namespace or VM (src/lab/vm): the paths in its
 * state dir and the lab users. Both `Lab` and `VmLab` read them from their state.json.
 */
import { readFileSync } from 'node:fs';
import type { LabState } from './types.js';

export type LabPaths = Pick<
  LabState,
  | 'name'
  | 'dir'
  | 'createdAt'
  | 'owner'
  | 'user'
  | 'keyPath'
  | 'knownHostsPath'
  | 'sshConfigPath'
  | 'inventoryPath'
  | 'becomeInventoryPath'
  | 'sudoPasswordPath'
  | 'sudoPasswordEnv'
  | 'rootPasswordPath'
>;

export class LabFiles<S extends LabPaths> {
  constructor(readonly state: S) {}

  get name(): string {
    return this.state.name;
  }
  get dir(): string {
    return this.state.dir;
  }
  get inventoryPath(): string {
    return this.state.inventoryPath;
  }
  get becomeInventoryPath(): string {
    return this.state.becomeInventoryPath;
  }
  get knownHostsPath(): string {
    return this.state.knownHostsPath;
  }
  get sshConfigPath(): string {
    return this.state.sshConfigPath;
  }
  get keyPath(): string {
    return this.state.keyPath;
  }
  get users(): { root: string; nonRoot: string } {
    return this.state.user;
  }
  /** The non-root user's sudo password (read from the 0600 file; never logged). */
  sudoPassword(): string {
    return readFileSync(this.state.sudoPasswordPath, 'utf8').trim();
  }
  /** root's password on the hosts made with `rootPasswordHosts` (0600 file; never logged). */
  rootPassword(): string {
    if (!this.state.rootPasswordPath) throw new Error(`lab ${this.name} has no root password`);
    return readFileSync(this.state.rootPasswordPath, 'utf8').trim();
  }
}
