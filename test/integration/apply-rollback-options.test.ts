/**
 * `sysfleet rollback` beyond the plain case: from the hosts' own snapshots when the control
 * node's store is gone, restricted by --keys and --limit (a key changed again since the run is
 * left alone and reported unless --force), and with a host down (listed with a retry command
 * that, run verbatim once the host is back, restores it). Judged outside sysfleet.
 */
import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BIN,
  PLAYBOOK,
  PLAYBOOK_VALUES,
  PERSIST_FILE,
  cli,
  fleetState,
  labArgs,
  runIdOf,
  runtimeValues,
  withLab,
  type ControlNode,
} from './support/fleet-state.js';
import { labAvailable, type Lab } from './support/lab.js';

const KEEPALIVE = [
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

async function applyAll(lab: Lab, ctl: ControlNode): Promise<string> {
  const r = await cli(ctl, ['apply', ...labArgs(lab), PLAYBOOK, '--yes', '--plain']);
  expect(r.code, r.stderr).toBe(0);
  return runIdOf(r.stdout);
}

describe.skipIf(!labAvailable)('rollback --from-hosts after the store is lost', () => {
  const t = withLab('aprofrom', 6);

  it('restores the fleet from the snapshots the hosts kept', async () => {
    const { lab, ctl, names, before } = t;
    const runId = await applyAll(lab, ctl);
    await rm(ctl.stateDir, { recursive: true, force: true });

    const plain = await cli(ctl, ['rollback', '--yes', 'latest', ...labArgs(lab)]);
    expect(plain.code).not.toBe(0); // no store: the ordinary rollback cannot know the run
    expect(plain.stderr).toMatch(/no apply runs/);

    const r = await cli(ctl, ['rollback', '--yes', '--from-hosts', 'latest', ...labArgs(lab)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`rollback of ${runId}: ${names.length} restored`);
    expect(await fleetState(lab, names)).toEqual(before);
  }, 90_000);
});

describe.skipIf(!labAvailable)('rollback --keys, --limit and --force', () => {
  const t = withLab('aprokeys', 6);

  it('restores only the matching keys on the limited hosts, and leaves keys changed since', async () => {
    const { lab, ctl, names, before } = t;
    await applyAll(lab, ctl);
    // someone changes h02's keepalive time again after the run
    const edit = await lab.exec('h02', [
      'sh',
      '-c',
      'echo 999 > /proc/sys/net/ipv4/tcp_keepalive_time',
    ]);
    expect(edit.code, edit.stderr).toBe(0);

    const r = await cli(ctl, [
      'rollback',
      '--yes',
      'latest',
      '--known-hosts',
      lab.knownHostsPath,
      '--keys',
      'net.ipv4.tcp_keepalive_*',
      '--limit',
      'h01:h02:h03',
    ]);
    expect(r.code, r.stdout + r.stderr).not.toBe(2);
    // h02's changed key is reported, with the way out
    expect(r.stdout).toMatch(
      /h02: rolled_back — left alone, changed since the run: net\.ipv4\.tcp_keepalive_time \(now 999\)/,
    );
    expect(r.stdout).toMatch(/add --force/);
    // h01 and h03 keep their file because of the key filter, which --force would not change
    expect(r.stdout).toMatch(
      /h01: rolled_back — \/etc\/sysctl\.d\/60-sysfleet-apply-lab\.conf kept/,
    );
    expect(r.stdout).not.toMatch(/h0[13]:.*changed since/);

    const beforeKeepalive = (h: string) =>
      Object.fromEntries(KEEPALIVE.map((k) => [k, before[h]!.runtime[k]]));
    const others = Object.fromEntries(
      Object.entries(PLAYBOOK_VALUES).filter(([k]) => !KEEPALIVE.includes(k)),
    );
    const now = await fleetState(lab, names);
    for (const h of ['h01', 'h03']) {
      expect(now[h]!.runtime, h).toEqual({ ...others, ...beforeKeepalive(h) });
      // the file holds the other keys too: a key filter keeps it
      expect(now[h]!.files[PERSIST_FILE], h).toMatch(/^file 644 0:0 /);
    }
    expect(now['h02']!.runtime).toEqual({
      ...others,
      ...beforeKeepalive('h02'),
      'net.ipv4.tcp_keepalive_time': '999',
    });
    for (const h of ['h04', 'h05', 'h06']) expect(now[h]!.runtime, h).toEqual(PLAYBOOK_VALUES);

    const forced = await cli(ctl, [
      'rollback',
      '--yes',
      'latest',
      '--known-hosts',
      lab.knownHostsPath,
      '--keys',
      'net.ipv4.tcp_keepalive_*',
      '--limit',
      'h02',
      '--force',
    ]);
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(await runtimeValues(lab, 'h02', KEEPALIVE)).toEqual(beforeKeepalive('h02'));
    expect(await runtimeValues(lab, 'h04', KEEPALIVE)).toEqual(
      Object.fromEntries(KEEPALIVE.map((k) => [k, PLAYBOOK_VALUES[k]])),
    );

    // and the unfiltered rollback finishes the job everywhere
    const all = await cli(ctl, [
      'rollback',
      '--yes',
      'latest',
      '--known-hosts',
      lab.knownHostsPath,
    ]);
    expect(all.code, all.stdout + all.stderr).toBe(0);
    expect(await fleetState(lab, names)).toEqual(before);
  }, 120_000);
});

describe.skipIf(!labAvailable)('a host is down during rollback', () => {
  const t = withLab('aprodown', 6);

  afterAll(async () => {
    await t.lab?.start('h04').catch(() => undefined);
  });

  it('is listed with a retry command that restores it once the host is back', async () => {
    const { lab, ctl, names, before } = t;
    const runId = await applyAll(lab, ctl);
    await lab.stop('h04');

    const r = await cli(ctl, ['rollback', '--yes', 'latest', '-i', lab.inventoryPath]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(r.stdout).toMatch(/5 restored.*1 unreachable/);
    expect(r.stdout).toMatch(/h04: unreachable/);
    const m = /^retry the unreachable: (.+)$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const retry = m![1]!;
    // --yes is repeated: the retry runs as the original did, here in a script without a terminal
    expect(retry).toBe(`sysfleet rollback ${runId} -i ${lab.inventoryPath} --yes --limit h04`);
    const down = await fleetState(lab, names);
    for (const h of names.filter((n) => n !== 'h04')) expect(down[h], h).toEqual(before[h]);
    expect(down['h04']!.runtime).toEqual(PLAYBOOK_VALUES);

    await lab.start('h04');
    // run it as printed (the words need no shell: no quoting in this inventory path)
    const [cmd, ...args] = retry.split(' ');
    expect(cmd).toBe('sysfleet');
    const again = await cli(ctl, args);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain(`rollback of ${runId}: 1 restored`);
    expect(await fleetState(lab, names)).toEqual(before);
    expect(BIN).toMatch(/main\.js$/);
  }, 120_000);
});
