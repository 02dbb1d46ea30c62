/** The VM lab's public API (see src/lab/README.md, "The VM lab"). */
export { vmLabUp, type VmLabUpOptions } from './up.js';
export { DEFAULT_BOOT_TIMEOUT_MS } from './guest.js';
export { vmLabDown, qemuPidsOfLab } from './down.js';
export { VmLab, openVmLab, type GuestStatus } from './vmlab.js';
export { readVmState } from './state.js';
export { parseDistros, assignDistros, DISTROS, DEBIAN_SUITES } from './distros.js';
export { ensureImage, cacheRoot, imageDir } from './image.js';
export { chooseAccel } from './accel.js';
export type { Distro, VmGuest, VmLabState, Accel } from './types.js';
