/** The apply stage's public API: host-side apply/rollback over a Connection, and the store. */
export {
  applyHost,
  collectResult,
  collectRollbackResult,
  defaultBy,
  listHostSnapshots,
  readHostSnapshot,
  rollbackHost,
  type ApplyContext,
  type RollbackContext,
} from './host-apply.js';
export {
  buildRollbackPlan,
  globToRegExp,
  type RollbackOptions,
  type RollbackPlan,
} from './rollback-plan.js';
export {
  parseApplyOutput,
  parseCollectOutput,
  parseRollbackOutput,
  parseSnapshot,
  parseSnapshotList,
  type CollectedApply,
  type CollectState,
  type HostSnapshotEntry,
} from './result.js';
export { formatRunId, isRunId, newRunId, runIdTime } from './run-id.js';
export {
  HOST_COMMAND,
  renderApplyScript,
  renderCollectScript,
  renderListSnapshotsScript,
  renderReadSnapshotScript,
  renderRollbackScript,
} from './script.js';
export {
  hostFileName,
  openStore,
  stateDir,
  type HostRecord,
  type LoadedRun,
  type NewRun,
  type RunRecord,
  type SnapshotStore,
  type StoredPlan,
} from './store.js';
export type * from './types.js';
export { ScriptDataError } from './validate.js';
