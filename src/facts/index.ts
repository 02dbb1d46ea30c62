/** Facts: the gather script sent to a host and the pure parser of what it prints. */
export {
  buildGatherScript,
  renderGatherScript,
  gatherScriptBody,
  GATHER_COMMAND,
  InvalidKeyError,
} from './script.js';
export { parseGatherOutput } from './parseGather.js';
export { GatherParseError } from './sections.js';
export type {
  HostFacts,
  SysctlAssignmentLine,
  SysctlExcludeLine,
  SysctlFile,
  SysctlFileLine,
  SysctlReading,
} from './types.js';
