/**
 * The model stage's public API: inventories (Ansible-compatible) and playbooks. Other stages
 * import from here.
 */
export { ModelErrors, formatModelError, type ModelError } from './errors.js';
export { loadInventory, type LoadInventoryOptions } from './load-inventory.js';
export { loadPlaybook } from './load-playbook.js';
export { loadSshConfig } from './load-ssh-config.js';
export { expandLimitFiles } from './load-limit.js';
export { selectHosts, splitPattern, HostPatternError } from './host-pattern.js';
export {
  resolveConnection,
  resolveConnections,
  inventoryLookup,
  truthy,
  isSkipped,
  type HostLookup,
} from './connection.js';
export { emptySshConfig, parseSshConfig, sshConfigFor, type SshConfig } from './ssh-config.js';
export { parsePlaybook, globalKeys } from './playbook.js';
export { targetsForHost, checkOverrides } from './targets.js';
export { valueToWrite } from './playbook-target.js';
export { dangerousTargets } from './playbook-rules.js';
export {
  isValidSysctlKey,
  isValidSysctlValue,
  normalizeKey,
  normalizeValue,
  valuesEqual,
  isGlobalKey,
} from './sysctl.js';
export { KNOWN_SYSCTLS, isKnownSysctl, keyInfo, type KeyInfo } from './known-sysctls.js';
export { toAnsibleList, toAnsibleGraph } from './ansible-list.js';
export { expandHostRange } from './host-range.js';
