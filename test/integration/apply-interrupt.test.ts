/**
 * The connection to a host is cut mid-apply, right after the control node handed `go` to the
 * transport (src/apply's `afterGo` hook, over the real SSH transport to a lab host): the control
 * node cannot know what happened. The host must end either fully applied or fully unchanged —
 * never half — and `sysfleet runs collect` (the built binary) must learn which; the run's stored
 * snapshot then still rolls the host back.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyHost, newRunId, openStore } from '../../src/apply/index.js';
import { loadFleet, makeTransport } from '../../src/cli/fleet.js';
import { checkDeps } from '../../src/run/deps.js';
import type { HostOptions } from '../../src/cli/options.js';
import { planFleet } from '../../src/run/apply.js';
import {
  PERSIST_FILE,
  PLAYBOOK,
  PLAYBOOK_VALUES,
  cli,
  controlNode,
  hostFinal,
  hostState,
  labName,
  storedRun,
  waitFor,
  type ControlNode,
} from './support/fleet-state.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';

describe.skipIf(!labAvailable)('connection cut right after go', () => {
  let lab: Lab;
  let ctl: ControlNode;

  beforeAll(async () => {
    lab = await labUp({ name: labName('apicut'), hosts: 3 });
    ctl = await controlNode(lab);
  }, 60_000);
  afterAll(async () => {
    await lab?.down();
    await ctl?.cleanup();
  }, 60_000);

  it('the host ends all-or-nothing and runs collect learns which', async () => {
    const host = 'h02';
    const before = await hostState(lab, host);
    const opts: HostOptions = {
      inventory: [lab.inventoryPath],
      limit: host,
      forks: 5,
      timeout: 10,
      commandTimeout: 60,
      deadline: 120,
      hostKeyChecking: 'strict',
      knownHosts: [lab.knownHostsPath],
      become: false,
      askBecomePass: false,
      askPass: false,
    };
    const fleet = await loadFleet(opts, PLAYBOOK);
    const ac = new AbortController();
    const transport = makeTransport(opts, ac.signal, () => undefined);
    const store = openStore(ctl.stateDir);
    const runId = newRunId();
    let state: string;
    try {
      const { results, connections } = await planFleet(
        fleet.hosts,
        checkDeps(transport, fleet.playbook),
        { forks: 5, commandTimeoutMs: 60_000, signal: ac.signal, emit: () => undefined },
      );
      const plan = results[0]?.plan;
      expect(plan?.changes.length).toBe(6);
      await store.createRun({
        id: runId,
        kind: 'apply',
        playbook: PLAYBOOK,
        inventorySources: [lab.inventoryPath],
        hosts: [host],
      });
      const conn = connections.get(host)!;
      const res = await applyHost(conn, plan!, {
        runId,
        store,
        become: false,
        timeoutMs: 60_000,
        // the cut: drop the SSH connection the moment `go` is on its way
        afterGo: () => void conn.close(),
      });
      state = res.state;
    } finally {
      ac.abort();
      await transport.close();
    }
    // The control node cannot know: it says so and points at collect.
    expect(state).toBe('unknown');
    expect((await storedRun(ctl, runId)).outcomes[host]?.state).toBe('unknown');

    // The host settles on its own: the detached worker finishes (after go), or the attached part
    // sees the connection's end and gives up (no go). Either way the host lock is released.
    const lock = join(lab.host(host).backing.varLibSysfleet, 'lock');
    const settled = async () => {
      try {
        await lstat(lock);
        return false;
      } catch {
        return true;
      }
    };
    expect(await waitFor(settled, 30_000, 100)).toBe(true);
    const final = await hostFinal(lab, host, runId);
    const after = await hostState(lab, host);
    if (final?.state === 'changed') {
      expect(after.runtime).toEqual(PLAYBOOK_VALUES);
      expect(after.files[PERSIST_FILE]).toMatch(/^file 644 0:0 /);
    } else {
      // the go never arrived: no worker ran, nothing at all may have changed
      expect(final).toBeUndefined();
      expect(after).toEqual(before);
    }

    const collected = await cli(ctl, ['runs', 'collect', runId]);
    expect(collected.code, collected.stdout + collected.stderr).toBe(0);
    const learned = final?.state === 'changed' ? 'changed' : 'failed';
    expect(collected.stdout).toContain(`${host}: ${learned}`);
    expect((await storedRun(ctl, runId)).outcomes[host]?.state).toBe(learned);

    // and the snapshot stored before `go` undoes it
    const rb = await cli(ctl, ['rollback', '--yes', runId]);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(await hostState(lab, host)).toEqual(before);
  }, 120_000);
});
