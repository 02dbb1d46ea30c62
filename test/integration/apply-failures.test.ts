/**
 * `sysfleet apply` when hosts refuse: a value the kernel rejects (EINVAL) on one host, a read-only
 * /etc/sysctl.d on another, and a wave rollout whose failure threshold trips. Every failing host
 * must end exactly as it was (runtime values and sysctl files, checked outside sysfleet), with
 * the reason reported; the others applied, or — after --auto-rollback — restored.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PERSIST_FILE,
  PLAYBOOK,
  PLAYBOOK_VALUES,
  cli,
  fleetState,
  hostFinal,
  labArgs,
  runIdOf,
  storedRun,
  withLab,
} from './support/fleet-state.js';
import { labAvailable } from './support/lab.js';

const EINVAL_H03 = resolve('test/fixtures/playbooks/apply-lab-einval-h03.yaml');
const EINVAL_H03_H04 = resolve('test/fixtures/playbooks/apply-lab-einval-h03-h04.yaml');

describe.skipIf(!labAvailable)('a host refuses a value (EINVAL)', () => {
  const t = withLab('apfeinval', 6);

  it('that host ends unchanged and reported reverted with the reason; the others applied', async () => {
    const { lab, ctl, names, before } = t;
    const r = await cli(ctl, ['apply', ...labArgs(lab), EINVAL_H03, '--yes', '--plain']);
    expect(r.code, r.stderr).toBe(2);
    const runId = runIdOf(r.stdout);
    expect(r.stdout).toMatch(/5 changed/);
    expect(r.stdout).toMatch(/1 reverted/);
    expect(r.stderr).toMatch(/reverted\s+h03\s+net\.ipv4\.ip_local_port_range: Invalid argument/);

    const after = await fleetState(lab, names);
    // h03: somaxconn is written before the port range fails; the revert must undo it.
    expect(after['h03']).toEqual(before['h03']);
    for (const h of names.filter((n) => n !== 'h03')) {
      expect(after[h]!.runtime, h).toEqual(PLAYBOOK_VALUES);
      expect(after[h]!.files[PERSIST_FILE], h).toMatch(/^file 644 0:0 /);
    }

    const run = await storedRun(ctl, runId);
    expect(run.outcomes['h03']?.state).toBe('reverted');
    expect(run.outcomes['h03']?.reason).toMatch(/ip_local_port_range: Invalid argument/);
    // the host's own record agrees: reverted, and left unchanged
    expect(await hostFinal(lab, 'h03', runId)).toMatchObject({
      state: 'reverted',
      left: 'unchanged',
    });
  }, 90_000);
});

describe.skipIf(!labAvailable)('read-only /etc/sysctl.d on one host', () => {
  const t = withLab('apfro', 4, (lab) => lab.sysctlDirReadOnly('h02', false));

  it('changes nothing on that host and says why; the others applied', async () => {
    const { lab, ctl, names, before } = t;
    await lab.sysctlDirReadOnly('h02', true);
    const r = await cli(ctl, ['apply', ...labArgs(lab), PLAYBOOK, '--yes', '--plain']);
    expect(r.code, r.stderr).toBe(2);
    const runId = runIdOf(r.stdout);
    expect(r.stdout).toMatch(/3 changed/);
    expect(r.stderr).toMatch(/h02.*Read-only file system/);

    const after = await fleetState(lab, names);
    expect(after['h02']).toEqual(before['h02']);
    for (const h of ['h01', 'h03', 'h04']) expect(after[h]!.runtime, h).toEqual(PLAYBOOK_VALUES);

    const run = await storedRun(ctl, runId);
    expect(run.outcomes['h02']?.state).toBe('failed');
    expect(run.outcomes['h02']?.reason).toMatch(
      /\/etc\/sysctl\.d.*Read-only file system.*nothing was changed/,
    );
    // no temp file left behind in the (read-only) directory, nothing in its listing changed
    expect(Object.keys(after['h02']!.files)).toEqual(Object.keys(before['h02']!.files));
  }, 90_000);
});

describe.skipIf(!labAvailable)('--canary 1 --batch 25% --max-fail 1 --auto-rollback', () => {
  const t = withLab('apfwaves', 10);

  it('stops after two failures in the second wave and restores every host it changed', async () => {
    const { lab, ctl, names, before } = t;
    const r = await cli(ctl, [
      'apply',
      ...labArgs(lab),
      EINVAL_H03_H04,
      '--yes',
      '--events',
      '--canary',
      '1',
      '--batch',
      '25%',
      '--max-fail',
      '1',
      '--auto-rollback',
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain('stopped (max-fail)');
    const runId = runIdOf(
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('{'))
        .join('\n'),
    );
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; wave?: number; hosts?: string[] });
    // waves: [h01] [h02 h03 h04] [h05 h06 h07] [h08 h09 h10]; only the first two ever start
    const started = events.filter((e) => e.type === 'wave-started');
    expect(started.map((e) => e.hosts)).toEqual([['h01'], ['h02', 'h03', 'h04']]);
    expect(events.some((e) => e.type === 'run-stopping')).toBe(true);

    const done = events.filter((e) => e.type === 'host-done') as unknown as {
      host: string;
      outcome: string;
    }[];
    const last = new Map(done.map((e) => [e.host, e.outcome]));
    expect(last.get('h01')).toBe('rolled_back');
    expect(last.get('h02')).toBe('rolled_back');
    expect(last.get('h03')).toBe('reverted');
    expect(last.get('h04')).toBe('reverted');
    for (const h of names.slice(4)) expect(last.get(h), h).toBe('skipped');

    // every host is exactly as before: changed ones rolled back, failing ones reverted,
    // the rest never touched
    expect(await fleetState(lab, names)).toEqual(before);
    const run = await storedRun(ctl, runId);
    expect(run.outcomes['h01']?.state).toBe('rolled_back');
    expect(run.outcomes['h02']?.state).toBe('rolled_back');
  }, 120_000);
});
