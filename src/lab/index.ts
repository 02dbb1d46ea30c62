/** The lab's public API (see README.md). */
export { labUp, LAB_USER, SUDO_PASSWORD_ENV, type LabUpOptions } from './up.js';
export { labDown, labDownAll, allLabNames } from './down.js';
export { Lab, openLab, type ExecOptions } from './lab.js';
export { LabError, labDirs, labOwner, readState, requireRoot } from './state.js';
export { LAB_ROOT } from './names.js';
export type { LabHost, LabHostBacking, LabState, SudoMode, LabProcess } from './types.js';
