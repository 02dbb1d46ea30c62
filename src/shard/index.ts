/** Sharding a fleet across control nodes: which hosts a shard owns, and which run it is part of. */
export { fmix32, fnv1a32, shardOf } from './hrw.js';
export {
  formatShard,
  MAX_SHARDS,
  parseShardSpec,
  SHARD_COUNT_ENV,
  SHARD_INDEX_ENV,
  ShardSpecError,
  type ShardSpec,
} from './spec.js';
export { selectShard, type ShardSlice } from './select.js';
export { contentDigest, fleetDigest, type FleetMember } from './fleet-digest.js';
export {
  jobRunId,
  RunIdError,
  RUN_ID_ENV,
  sharedRunId,
  JOB_NAME_ENV,
  JOB_UID_ENV,
} from './run-id.js';
