/** The lines `lab up` and `lab status` print for any lab's files (namespace or VM). */
import type { LabFiles, LabPaths } from '../lab/lab-files.js';

export function labFileLines(lab: LabFiles<LabPaths>): string[] {
  return [
    `  inventory (root):        ${lab.inventoryPath}`,
    `  inventory (${lab.users.nonRoot} + sudo): ${lab.becomeInventoryPath}`,
    `  known_hosts:             ${lab.knownHostsPath}`,
    `  key:                     ${lab.keyPath}`,
    `  ssh_config:              ${lab.sshConfigPath}   (ssh -F <it> -p PORT 127.0.0.1)`,
    `  sudo password env:       ${lab.state.sudoPasswordEnv} (value in ${lab.state.sudoPasswordPath})`,
  ];
}
