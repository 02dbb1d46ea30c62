/**
 * deploy/kubernetes/: every manifest passes the Kubernetes object schemas (kubernetes-models),
 * the validator really rejects broken ones, and the manifests keep the contract sysfleet relies
 * on: Indexed Jobs whose SYSFLEET_SHARDS matches their completions, the run id sources, secrets
 * only from mounted Secrets (never in the image, the environment values or the command line).
 * The pods themselves are run on the lab by test/integration/k8s-job.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  container,
  DEPLOY,
  find,
  jobSpec,
  readManifests,
  validateManifest,
} from './support/k8s-manifests.js';

const manifests = readManifests();
const jobs = manifests.filter((m) => m.kind === 'Job' || m.kind === 'CronJob');
const clone = <T>(x: T): T => structuredClone(x);

describe('deploy/kubernetes manifests', () => {
  it('are the objects the docs name', () => {
    expect(manifests.map((m) => `${m.file}:${m.kind}`)).toEqual([
      'apply-job.yaml:Job',
      'compliance-cronjob.yaml:CronJob',
      'config.yaml:ConfigMap',
      'config.yaml:PersistentVolumeClaim',
      'rollback-job.yaml:Job',
    ]);
  });

  it.each(manifests.map((m) => [`${m.file} ${m.kind}`, m] as const))(
    '%s passes its Kubernetes schema',
    (_, m) => {
      expect(() => validateManifest(m)).not.toThrow();
    },
  );

  it('the validator rejects broken manifests (wrong type, missing field, bad enum)', () => {
    const cron = find(manifests, 'compliance-cronjob.yaml', 'CronJob');
    const breakIt = (edit: (spec: ReturnType<typeof jobSpec>) => void) => {
      const o = clone(cron);
      edit(jobSpec(o));
      return () => validateManifest(o);
    };
    expect(breakIt((s) => ((s as { completions: unknown }).completions = 'four'))).toThrow(
      /completions must be integer/,
    );
    expect(
      breakIt((s) => delete (s.template.spec!.containers[0] as { name?: string }).name),
    ).toThrow(/containers\/0 must have required property '?name'?/);
    expect(breakIt((s) => ((s as { completionMode: string }).completionMode = 'Sharded'))).toThrow(
      /completionMode/,
    );
    const pvc = clone(find(manifests, 'config.yaml', 'PersistentVolumeClaim'));
    (pvc.object['spec'] as { accessModes: unknown }).accessModes = 'ReadWriteMany';
    expect(() => validateManifest(pvc)).toThrow(/accessModes must be array/);
  });

  it.each(jobs.map((m) => [m.file, m] as const))(
    '%s: Indexed, never restarted in place, SYSFLEET_SHARDS matches completions',
    (file, m) => {
      const spec = jobSpec(m);
      expect(spec.completionMode).toBe('Indexed');
      expect(spec.template.spec!.restartPolicy).toBe('Never');
      const shards = Number(container(m).env!.find((e) => e.name === 'SYSFLEET_SHARDS')!.value);
      // The compliance Job has one more index than shards: the merge step.
      expect(spec.completions).toBe(file === 'compliance-cronjob.yaml' ? shards + 1 : shards);
      expect(spec.parallelism).toBeLessThanOrEqual(spec.completions!);
    },
  );

  it('a run id for every Job: from the CronJob Job labels, or given for apply and rollback', () => {
    const env = (f: string) =>
      Object.fromEntries(
        container(jobs.find((m) => m.file === f)!).env!.map((e) => [
          e.name,
          e.value ?? e.valueFrom?.fieldRef?.fieldPath,
        ]),
      );
    expect(env('compliance-cronjob.yaml')).toMatchObject({
      SYSFLEET_JOB_NAME: "metadata.labels['batch.kubernetes.io/job-name']",
      SYSFLEET_JOB_UID: "metadata.labels['batch.kubernetes.io/controller-uid']",
    });
    for (const f of ['apply-job.yaml', 'rollback-job.yaml'])
      expect(env(f)['SYSFLEET_RUN_ID']).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
  });

  it.each(jobs.map((m) => [m.file, m] as const))(
    '%s: keys and known_hosts from a mounted Secret, nothing secret in env or args',
    (_, m) => {
      const pod = jobSpec(m).template.spec!;
      const c = container(m);
      const ssh = pod.volumes!.find((v) => v.name === 'ssh')!;
      expect(ssh.secret?.secretName).toBe('sysfleet-ssh');
      expect(c.volumeMounts!.find((v) => v.name === 'ssh')).toMatchObject({
        mountPath: '/etc/sysfleet/ssh',
        readOnly: true,
      });
      expect(pod.volumes!.find((v) => v.name === 'config')!.configMap?.name).toBe(
        'sysfleet-config',
      );
      const text = JSON.stringify([c.command, c.args, c.env]);
      expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|PASSWORD|ssh-ed25519 AAAA/);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      expect(pod.automountServiceAccountToken).toBe(false);
    },
  );

  it('the Containerfile builds from Debian Node, ships dist with production dependencies, runs as non-root', () => {
    const cf = readFileSync(join(DEPLOY, '../Containerfile'), 'utf8');
    expect(cf).toMatch(/^FROM docker\.io\/library\/debian:trixie-slim AS build$/m);
    expect(cf).toMatch(/npm ci --omit=dev/);
    expect(cf).toMatch(/COPY --from=build \/src\/dist\/ dist\//);
    expect(cf).toMatch(/^USER 10001:10001$/m);
    expect(cf).not.toMatch(/COPY .*(inventor|known_hosts|id_ed25519|\.ssh)/);
  });
});
