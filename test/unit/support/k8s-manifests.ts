/**
 * The manifests under deploy/kubernetes/: read (every YAML document of every file) and validated
 * against the Kubernetes object schemas of kubernetes-models, one model class per kind. Shared by
 * the manifest test and the lab test that runs the Job's pods.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import type { IJobSpec } from 'kubernetes-models/batch/v1';
import type { IContainer } from 'kubernetes-models/v1';

export const DEPLOY = join(import.meta.dirname, '../../../deploy/kubernetes');

export interface Manifest {
  file: string;
  kind: string;
  object: Record<string, unknown>;
}

const MODELS: Record<string, (o: Record<string, unknown>) => { validate(): void }> = {
  'v1/ConfigMap': (o) => new ConfigMap(o as never),
  'v1/PersistentVolumeClaim': (o) => new PersistentVolumeClaim(o as never),
  'batch/v1/CronJob': (o) => new CronJob(o as never),
  'batch/v1/Job': (o) => new Job(o as never),
};

export function readManifests(dir = DEPLOY): Manifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
        if (d.errors.length) throw new Error(`${file}: ${d.errors[0]!.message}`);
        const object = d.toJS() as Record<string, unknown>;
        return { file, kind: String(object['kind']), object };
      }),
    );
}

/** Throws kubernetes-models' message when the object breaks its kind's schema. */
export function validateManifest(m: Pick<Manifest, 'file' | 'object'>): void {
  const key = `${String(m.object['apiVersion'])}/${String(m.object['kind'])}`;
  const model = MODELS[key];
  if (!model) throw new Error(`${m.file}: no schema for ${key}`);
  model(m.object).validate();
}

export function find(manifests: Manifest[], file: string, kind: string): Manifest {
  const m = manifests.find((x) => x.file === file && x.kind === kind);
  if (!m) throw new Error(`no ${kind} in ${file}`);
  return m;
}

/** The Job spec of a Job, or of the Jobs a CronJob creates. */
export function jobSpec(m: Manifest): IJobSpec {
  const spec = m.object['spec'] as Record<string, unknown>;
  return (m.kind === 'CronJob'
    ? (spec['jobTemplate'] as { spec: IJobSpec }).spec
    : spec) as unknown as IJobSpec;
}

export function container(m: Manifest): IContainer {
  return jobSpec(m).template.spec!.containers[0]!;
}

/**
 * The environment Kubernetes gives pod `index` of this Job: the container's env (literal values;
 * the job-name and controller-uid labels from the downward API as given) plus
 * JOB_COMPLETION_INDEX, which an Indexed Job adds.
 */
export function podEnv(
  m: Manifest,
  index: number,
  labels: { jobName: string; jobUid: string },
): Record<string, string> {
  const env: Record<string, string> = { JOB_COMPLETION_INDEX: String(index) };
  for (const e of container(m).env ?? []) {
    const path = e.valueFrom?.fieldRef?.fieldPath;
    if (e.value !== undefined) env[e.name] = e.value;
    else if (path === "metadata.labels['batch.kubernetes.io/job-name']")
      env[e.name] = labels.jobName;
    else if (path === "metadata.labels['batch.kubernetes.io/controller-uid']")
      env[e.name] = labels.jobUid;
    else throw new Error(`${m.file}: env ${e.name}: a source this helper does not know`);
  }
  return env;
}

/** Kubernetes' $(VAR) expansion of command and args (`$$` escapes). */
export function expandArgs(args: readonly string[], env: Record<string, string>): string[] {
  return args.map((a) =>
    a.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) =>
      name === undefined ? '$' : (env[name] ?? m),
    ),
  );
}
