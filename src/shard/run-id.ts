/**
 * The run id every shard of one run shares. Given (`--run-id` or SYSFLEET_RUN_ID), or derived from
 * the Kubernetes Job the pod belongs to: SYSFLEET_JOB_NAME and SYSFLEET_JOB_UID, which the
 * manifests fill from the pod labels `batch.kubernetes.io/job-name` and
 * `batch.kubernetes.io/controller-uid` (downward API). A CronJob names its Jobs
 * `<cronjob>-<scheduled time in minutes since the epoch>`, which gives the run id its time; the
 * Job's uid gives its four hex digits. Pure: the environment is an argument.
 */
import { createHash } from 'node:crypto';
import { formatRunId, isRunId } from '../apply/run-id.js';

export const RUN_ID_ENV = 'SYSFLEET_RUN_ID';
export const JOB_NAME_ENV = 'SYSFLEET_JOB_NAME';
export const JOB_UID_ENV = 'SYSFLEET_JOB_UID';

export class RunIdError extends Error {}

/** Scheduled minutes a CronJob appends to its Job names (`nightly-29400000`). */
function cronMinutes(jobName: string): number | undefined {
  const m = /-(\d{7,10})$/.exec(jobName);
  return m ? Number(m[1]) : undefined;
}

export function jobRunId(jobName: string, jobUid: string): string | undefined {
  const minutes = cronMinutes(jobName);
  if (minutes === undefined || !jobUid) return undefined;
  const hex4 = createHash('sha256').update(jobUid).digest('hex').slice(0, 4);
  return formatRunId(new Date(minutes * 60_000), hex4);
}

/**
 * The shared run id of a sharded run, or undefined when none is given or derivable (the caller
 * decides whether that is an error). A given id must have the run id form.
 */
export function sharedRunId(
  given: string | undefined,
  env: Record<string, string | undefined>,
): string | undefined {
  const explicit = given ?? (env[RUN_ID_ENV] || undefined);
  if (explicit !== undefined) {
    if (!isRunId(explicit))
      throw new RunIdError(
        `run id "${explicit}"${given === undefined ? ` (from ${RUN_ID_ENV})` : ''}: expected YYYYMMDDTHHMMSSZ-xxxx (4 hex digits), e.g. ${formatRunId(new Date(0), '0000')}`,
      );
    return explicit;
  }
  const name = env[JOB_NAME_ENV];
  const uid = env[JOB_UID_ENV];
  return name && uid ? jobRunId(name, uid) : undefined;
}
