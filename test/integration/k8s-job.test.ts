/**
 * The Job contract of deploy/kubernetes/, on the lab: the pods of each Job run exactly the
 * command and arguments the manifest gives, with the environment Kubernetes would give them
 * (the manifest's env, JOB_COMPLETION_INDEX, the job-name/controller-uid labels; only the mount
 * paths point at the lab's files instead), the built binary as `sysfleet` on PATH.
 *   compliance CronJob: N shard pods + the merge pod, side by side -> reports/latest/* equal to
 *     one unsharded check (apart from timings);
 *   apply Job: its pods one after another (parallelism 1) under the manifest's run id;
 *   rollback Job: its pods side by side restore every host from the hosts' snapshots.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, labUp, type Lab } from './support/lab.js';
import { assertBuilt, CLI, sysfleet } from './support/check-cli.js';
import { readReport } from './support/check-formats.js';
import { untimed } from './support/untimed.js';
import {
  container,
  expandArgs,
  find,
  jobSpec,
  podEnv,
  readManifests,
  type Manifest,
} from '../unit/support/k8s-manifests.js';
import { jobRunId } from '../../src/shard/index.js';

const PLAYBOOK = fileURLToPath(new URL('../fixtures/playbooks/check-lab.yaml', import.meta.url));
const HOSTS = 8;
const TIME = 'net.ipv4.tcp_keepalive_time';
const manifests = readManifests();
const cron = find(manifests, 'compliance-cronjob.yaml', 'CronJob');
const applyJob = find(manifests, 'apply-job.yaml', 'Job');
const rollbackJob = find(manifests, 'rollback-job.yaml', 'Job');
const LABELS = {
  jobName: 'sysfleet-compliance-29400015',
  jobUid: '1d4c7e2a-9f3b-4e8a-b6c5-0a2f7d9e3b11',
};

let lab: Lab;
let work: string;
let bin: string;

interface PodResult {
  index: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Pod `index` of this Job: its container's command and args, its environment, lab paths. */
function runPod(m: Manifest, index: number): Promise<PodResult> {
  const env: Record<string, string> = {
    ...podEnv(m, index, LABELS),
    SYSFLEET_INVENTORY: lab.inventoryPath,
    SYSFLEET_PLAYBOOK: PLAYBOOK,
    SYSFLEET_KEY: lab.keyPath,
    SYSFLEET_KNOWN_HOSTS: lab.knownHostsPath,
    SYSFLEET_REPORTS: join(work, 'reports'),
    SYSFLEET_STATE_DIR: join(work, `state-${m.file}-${index}`),
    HOME: join(work, 'home'),
    PATH: `${bin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
  };
  const c = container(m);
  const argv = expandArgs([...(c.command ?? []), ...(c.args ?? [])], env);
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (e) => (clearTimeout(timer), reject(e)));
    child.on('close', (code) => (clearTimeout(timer), resolve({ index, code, stdout, stderr })));
  });
}

const indexes = (m: Manifest) => Array.from({ length: jobSpec(m).completions! }, (_, i) => i);

async function keepaliveTimes(): Promise<string[]> {
  const out: string[] = [];
  for (const h of lab.hosts)
    out.push((await lab.exec(h.name, ['sysctl', '-n', TIME], { timeoutMs: 10_000 })).stdout.trim());
  return out;
}

beforeAll(async () => {
  if (!labAvailable) return;
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'sf-k8s-'));
  bin = join(work, 'bin');
  mkdirSync(bin);
  mkdirSync(join(work, 'home'));
  writeFileSync(join(bin, 'sysfleet'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(bin, 'sysfleet'), 0o755);
  lab = await labUp({ name: 'k8s', hosts: HOSTS, sudoPasswordHosts: 0 });
  // Half the fleet already right at runtime (no file: not persisted), half at the defaults.
  for (const h of lab.hosts.slice(0, HOSTS / 2))
    await lab.exec(
      h.name,
      [
        'sysctl',
        '-q',
        '-w',
        `${TIME}=600`,
        'net.ipv4.tcp_keepalive_intvl=30',
        'net.ipv4.tcp_keepalive_probes=5',
      ],
      { timeoutMs: 10_000 },
    );
}, 120_000);

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!labAvailable)('deploy/kubernetes Jobs, run as Kubernetes runs their pods', () => {
  it('compliance CronJob: shard pods + merge pod give the outputs of one unsharded check', async () => {
    const runId = jobRunId(LABELS.jobName, LABELS.jobUid)!;
    const whole = await sysfleet(
      [
        'check',
        '-i',
        lab.inventoryPath,
        '--known-hosts',
        lab.knownHostsPath,
        PLAYBOOK,
        '--run-id',
        runId,
        '--json',
        join(work, 'whole.json'),
        '--nagios',
      ],
      { stateDir: join(work, 'state-whole') },
    );
    expect(whole.code).toBe(2);
    const pods = await Promise.all(indexes(cron).map((i) => runPod(cron, i)));
    for (const p of pods) expect(p.code, `pod ${p.index}: ${p.stderr}`).toBe(0);
    const merger = pods.at(-1)!;
    expect(untimed('nagios', merger.stdout)).toBe(untimed('nagios', whole.stdout));
    const latest = join(work, 'reports', 'latest');
    expect(untimed('json', readFileSync(join(latest, 'report.json'), 'utf8'))).toBe(
      untimed('json', readFileSync(join(work, 'whole.json'), 'utf8')),
    );
    expect(readReport(join(latest, 'report.json')).runId).toBe(runId);
    expect(readFileSync(join(latest, 'sysfleet.prom'), 'utf8')).toMatch(
      /^sysfleet_exit_code\{playbook="check-lab"\} 2$/m,
    );
    expect(readFileSync(join(latest, 'junit.xml'), 'utf8')).toMatch(/<testsuites name="sysfleet"/);
  }, 240_000);

  it('apply Job: pods in sequence under its run id; rollback Job: pods side by side undo all', async () => {
    const before = await keepaliveTimes();
    const runId = podEnv(applyJob, 0, LABELS)['SYSFLEET_RUN_ID']!;
    expect(jobSpec(applyJob).parallelism).toBe(1);
    for (const i of indexes(applyJob)) {
      const p = await runPod(applyJob, i);
      expect(p.code, `apply pod ${i}: ${p.stdout}${p.stderr}`).toBe(0);
      expect(p.stdout).toMatch(new RegExp(`run ${runId}: |nothing to change`));
    }
    expect(await keepaliveTimes()).toEqual(lab.hosts.map(() => '600'));
    expect(podEnv(rollbackJob, 0, LABELS)['SYSFLEET_RUN_ID']).toBe(runId);
    const pods = await Promise.all(indexes(rollbackJob).map((i) => runPod(rollbackJob, i)));
    for (const p of pods) expect(p.code, `rollback pod ${p.index}: ${p.stdout}${p.stderr}`).toBe(0);
    expect(await keepaliveTimes()).toEqual(before);
  }, 240_000);
});
