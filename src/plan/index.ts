/** Plan: pure verdicts, changes and findings from HostFacts x targets. */
export { planHost, verdictFor, type PlanOptions } from './plan.js';
export { computeFindings, gatherWantsOf, severityOf } from './findings.js';
export {
  loadOrder,
  resolveBoot,
  resolveKey,
  keyMatches,
  type KeyResolution,
} from './precedence.js';
export { candidateBasenames, renderPersistFile, PERSIST_DIR } from './persist.js';
export { satisfies, setValue, describeTarget } from './values.js';
export type { HostPlan, KeyVerdict, KeyStatus, KeyChange, Finding, Severity } from './types.js';
