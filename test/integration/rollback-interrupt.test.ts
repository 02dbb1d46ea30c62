/**
 * Ctrl-C during `sysfleet rollback`: no new host starts, but a restore already under way on a host
 * finishes and is recorded as rolled back — never cut by the interrupt (half a restore would leave
 * the host neither as the run left it nor as it was).
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PLAYBOOK,
  cli,
  hostState,
  labArgs,
  runIdOf,
  startCli,
  storedRun,
  waitFor,
  withLab,
} from './support/fleet-state.js';
import { labAvailable } from './support/lab.js';

describe.skipIf(!labAvailable)('Ctrl-C during rollback', () => {
  const t = withLab('rbint', 1, (lab) => lab.latency('h01', 0));

  it('lets the restore under way finish and records it as rolled back', async () => {
    const { lab, ctl, before } = t;
    const applied = await cli(ctl, ['apply', ...labArgs(lab), PLAYBOOK, '--yes', '--plain']);
    expect(applied.code, applied.stderr).toBe(0);
    const runId = runIdOf(applied.stdout);
    // Slow the host's link so the restore's answer is still on its way when Ctrl-C arrives.
    await lab.latency('h01', 600);
    const lock = join(lab.host('h01').backing.varLibSysfleet, 'lock');
    const rb = startCli(ctl, ['rollback', '--yes', runId, ...labArgs(lab), '--plain']);
    const locked = await waitFor(
      () =>
        lstat(lock).then(
          () => true,
          () => false,
        ),
      60_000,
      10,
    );
    expect(locked, 'the host never took its lock for the restore').toBe(true);
    rb.child.kill('SIGINT');
    const r = await rb.done;
    expect(r.stdout).toContain('1 restored');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await storedRun(ctl, runId)).outcomes['h01']?.state).toBe('rolled_back');
    await lab.latency('h01', 0);
    expect(await hostState(lab, 'h01')).toEqual(before['h01']);
  });
});
