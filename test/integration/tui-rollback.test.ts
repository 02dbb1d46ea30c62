/**
 * Undo from the terminal, end to end: the BUILT binary in tmux against real lab hosts, every
 * value read back from the hosts' kernels (lab.exec, no SSH) and every sysctl file compared.
 *
 * - 80x24: the plan review wraps a four-key change set (the last key is on screen), `r` during
 *   the live rollout shows what goes back to what, and `y` stops the waves and rolls back every
 *   host the run changed, live in the same view.
 * - 200x50: the same review on one line per group.
 * - `sysfleet rollback` on a terminal shows its review (what goes back, on how many hosts, which
 *   are unreachable now) and asks first; `y` restores the reachable hosts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  controlNode,
  fleetState,
  type ControlNode,
  type HostState,
} from './support/fleet-state.js';
import { labAvailable, labUp, type Lab } from './support/lab.js';
import { hasTmux, Tmux } from './support/tmux.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'dist/cli/main.js');
const HOSTS = 8;
const PLAYBOOK = `name: tui-undo
why: undo from the terminal
persist: 60-tui-undo
targets:
  net.ipv4.tcp_fin_timeout: 30
  net.ipv4.tcp_keepalive_intvl: 30
  net.ipv4.tcp_keepalive_probes: 5
  net.ipv4.tcp_keepalive_time: 60
`;
const KEYS = [
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_keepalive_time',
];

const term = new Tmux('undo');

describe.skipIf(!labAvailable || !hasTmux)('undo from the terminal (tmux, built binary)', () => {
  let lab: Lab;
  let ctl: ControlNode;
  let work: string;
  let names: string[];
  let pristine: Record<string, HostState>;

  /** Runtime values of the playbook's keys and every sysctl file, per host. */
  const state = async () => {
    const s = await fleetState(lab, names);
    const out: Record<string, unknown> = {};
    for (const h of names) {
      const r = await lab.exec(h, ['sysctl', '-n', ...KEYS]);
      out[h] = { values: r.stdout.trim().split('\n'), files: s[h]!.files };
    }
    return out;
  };

  function start(name: string, args: string[], columns: number, rows: number): string {
    const argv = ['node', BIN, ...args];
    const cmd = `env -u NO_COLOR CI=true TERM=xterm-256color HOME='${ctl.home}' SYSFLEET_STATE_DIR='${ctl.stateDir}' ${argv.map((a) => `'${a}'`).join(' ')}; echo SFEXIT=$?; sleep 300`;
    return term.start(name, cmd, { cwd: REPO, columns, rows });
  }
  const inv = () => ['-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath];

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} missing: run \`npm run build\` first`);
    work = mkdtempSync(join(tmpdir(), 'sf-tui-undo-'));
    writeFileSync(join(work, 'playbook.yaml'), PLAYBOOK);
    lab = await labUp({ name: `tundo${process.pid.toString(36)}`.slice(0, 16), hosts: HOSTS });
    ctl = await controlNode(lab);
    names = lab.hosts.map((h) => h.name);
    pristine = (await state()) as Record<string, HostState>;
  }, 120_000);

  afterAll(async () => {
    term.killAll();
    await lab?.down();
    await ctl?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('200x50: the plan review shows each change set on one line; n changes nothing', async () => {
    const s = start('wide', ['apply', ...inv(), join(work, 'playbook.yaml')], 200, 50);
    const review = await term.waitScreen(s, (x) => x.includes('y/N'), 'the plan review', 60_000);
    expect(review).toContain(
      `${HOSTS} hosts: tcp_fin_timeout 60 → 30, tcp_keepalive_intvl 75 → 30, tcp_keepalive_probes 9 → 5, tcp_keepalive_time 7200 → 60`,
    );
    term.keys(s, 'n');
    await term.waitScreen(s, (x) => x.includes('SFEXIT=0'), 'the exit');
    expect(await state()).toEqual(pristine);
  }, 120_000);

  it('80x24: the review wraps, r shows what goes back, y rolls the run back live', async () => {
    for (const h of ['h03', 'h05', 'h07']) await lab.latency(h, 700);
    try {
      const s = start(
        'narrow',
        ['apply', ...inv(), join(work, 'playbook.yaml'), '--canary', '2', '--batch', '2'],
        80,
        24,
      );
      const review = await term.waitScreen(s, (x) => x.includes('y/N'), 'the plan review', 60_000);
      const text = review.replace(/\s+/g, ' ');
      // the key that matters most is the last of the set: on screen, in one piece
      expect(text).toContain('tcp_keepalive_probes 9 → 5, tcp_keepalive_time 7200 → 60');
      expect(review).not.toMatch(/\w…/); // no change cut off ("planning 8 host(s)…" is fine)
      expect(review.split('\n').every((l) => l.length <= 80)).toBe(true);
      term.keys(s, 'y');

      await term.waitScreen(
        s,
        (x) => /^\d+ changed/m.test(x) && x.includes('wave 2 of'),
        'the canary done and wave 2 running',
        60_000,
      );
      term.keys(s, 'r');
      const ask = await term.waitScreen(s, (x) => x.includes('every host it changed? y/N'), 'r');
      const asked = ask.replace(/\s+/g, ' ');
      expect(asked).toMatch(
        /Roll back run \S+: no new host starts; \d+ changed hosts? (is|are) put back/,
      );
      expect(asked).toMatch(/\d+ hosts?: tcp_fin_timeout 30 → 60, tcp_keepalive_intvl 30 → 75/);
      expect(asked).toContain('tcp_keepalive_time 60 → 7200');
      term.keys(s, 'y');
      const end = await term.waitScreen(s, (x) => /SFEXIT=\d+/.test(x), 'the run to end', 120_000);
      expect(end).toMatch(/\d+ rolled back/);
      expect(end).not.toMatch(/^\d+ changed/m);
      expect(end).toContain('stopped (rollback).');
      expect(end).not.toContain('undo with:');
    } finally {
      for (const h of ['h03', 'h05', 'h07']) await lab.latency(h, 0);
    }
    // Every host is as before the run: the ones rolled back and the ones never started.
    expect(await state()).toEqual(pristine);
  }, 300_000);

  it('sysfleet rollback on a terminal: review (unreachable named), then y restores', async () => {
    const applied = await cli(ctl, [
      'apply',
      ...inv(),
      join(work, 'playbook.yaml'),
      '--yes',
      '--plain',
    ]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const runId = /^run (\S+):/m.exec(applied.stdout)?.[1];
    expect(runId).toBeDefined();
    await lab.stop('h08');
    try {
      // Not on a terminal, without --yes: refused before anything is touched, with the hint.
      const refused = await cli(ctl, ['rollback', 'latest', '--known-hosts', lab.knownHostsPath]);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('not on a terminal: add --yes to roll back');

      const s = start('rb', ['rollback', 'latest', '--known-hosts', lab.knownHostsPath], 80, 24);
      const review = await term.waitScreen(
        s,
        (x) => x.includes('y/N'),
        'the rollback review',
        60_000,
      );
      const text = review.replace(/\s+/g, ' ');
      expect(text).toContain(
        `Rollback of run ${runId}: ${HOSTS} hosts, ${HOSTS - 1} to restore, 1 unreachable now`,
      );
      expect(text).toContain(
        `${HOSTS - 1} hosts: tcp_fin_timeout 30 → 60, tcp_keepalive_intvl 30 → 75, tcp_keepalive_probes 5 → 9, tcp_keepalive_time 60 → 7200, remove /etc/sysctl.d/60-tui-undo.conf`,
      );
      expect(text).toMatch(/1 host: unreachable now: .*\(h08\)/);
      expect(text).toContain(`Roll back ${HOSTS - 1} hosts? y/N`);
      term.keys(s, 'y');
      const end = await term.waitScreen(
        s,
        (x) => /SFEXIT=\d+/.test(x),
        'the rollback to end',
        120_000,
      );
      expect(end.replace(/\s+/g, ' ')).toContain(`${HOSTS - 1} restored`);
      expect(end).toContain('SFEXIT=3'); // one host unreachable: not everything restored
    } finally {
      await lab.start('h08');
    }
    const after = await state();
    for (const h of names.filter((n) => n !== 'h08')) expect(after[h], h).toEqual(pristine[h]);
  }, 300_000);
});
