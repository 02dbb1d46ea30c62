/**
 * The terminal UI end to end, as an operator meets it: the BUILT `sysfleet apply` in a real
 * terminal (tmux, 120x40) against ~20 real sshd lab hosts. Keys go in with `send-keys`, the screen
 * comes back with `capture-pane`. Proves the plan review (grouped changes, y/N), the live rollout
 * (scroll, detail pane with before → after, `/` filter, `a` abort leaving the remaining hosts
 * skipped), the summary left on screen after exit, and that `n` changes nothing. Every host's
 * value is checked with lab.exec (no SSH), so the screen is compared against the real kernel.
 *
 * Needs `npm run build` first (dist/cli/main.js). tmux runs on a private socket; its sessions are
 * killed by name in afterAll, also when a test fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, labUp, type Lab } from './support/lab.js';
import { hasTmux, Tmux } from './support/tmux.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'dist/cli/main.js');
const HOSTS = 20;
const CANARY = 2;
const BATCH = 4;
/** Slow hosts (relayed with added latency) keep waves 2-4 in flight long enough to press keys.
 * Timeouts are generous: other engineers load the same 2 cores with their own labs. */
const SLOW = ['h04', 'h08', 'h12'];
const SLOW_MS = 700;
const KEY_TIME = 'net.ipv4.tcp_keepalive_time';
const PLAYBOOK = `name: tui-e2e
why: the terminal UI end to end
persist: 60-tui-e2e
targets:
  net.ipv4.tcp_keepalive_time: 120
  net.ipv4.tcp_keepalive_intvl: 15
`;

const term = new Tmux('tui');
const screen = (s: string) => term.screen(s);
const keys = (s: string, ...k: string[]) => term.keys(s, ...k);
const typeText = (s: string, text: string) => term.type(s, text);
const waitScreen = term.waitScreen.bind(term);

/** Start `sysfleet apply` in a fresh 120x40 tmux session; the shell prints SFEXIT=<code> after. */
function startApply(lab: Lab, work: string, name: string, extra: string[]): string {
  const argv = [
    'node',
    BIN,
    'apply',
    '-i',
    lab.inventoryPath,
    '--known-hosts',
    lab.knownHostsPath,
    join(work, 'playbook.yaml'),
    ...extra,
  ];
  const stateDir = join(work, `state-${name}`);
  // Single-quoted words: the paths are ours (temp dir, lab dir), no quote inside them.
  // CI=true stays set on purpose: on a terminal the live view must draw even then (load-ui.ts).
  const cmd = `env -u NO_COLOR CI=true TERM=xterm-256color SYSFLEET_STATE_DIR='${stateDir}' ${argv.map((a) => `'${a}'`).join(' ')}; echo SFEXIT=$?; sleep 300`;
  return term.start(name, cmd, { cwd: REPO, columns: 120, rows: 40 });
}

async function keepaliveTimes(lab: Lab): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const h of lab.hosts) {
    const r = await lab.exec(h.name, ['sysctl', '-n', KEY_TIME], { timeoutMs: 10_000 });
    out.set(h.name, r.stdout.trim());
  }
  return out;
}

/** The `▸` row's host name, e.g. "h07". */
function selectedRow(s: string): string | undefined {
  return /^▸ (\S+)/m.exec(s)?.[1];
}

describe.skipIf(!labAvailable || !hasTmux)('terminal UI end to end (tmux, built binary)', () => {
  let lab: Lab;
  let work: string;

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} missing: run \`npm run build\` first`);
    work = mkdtempSync(join(tmpdir(), 'sf-tui-e2e-'));
    writeFileSync(join(work, 'playbook.yaml'), PLAYBOOK);
    lab = await labUp({ name: 'tuie2e', hosts: HOSTS });
  });

  afterAll(async () => {
    term.killAll();
    await lab?.down();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('loads the live view from one bundle with the production build of React', () => {
    const probe = `const m = await import(${JSON.stringify(join(REPO, 'dist/cli/load-ui.js'))});
      await m.loadUi();
      console.log(m.uiModuleUrl().split('/').pop(), process.env.NODE_ENV ?? 'unset');`;
    const env = { ...process.env };
    delete env['NODE_ENV'];
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: REPO,
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('render.bundle.js unset');
    // React's development build (checks on every render: ~20 % of an apply's CPU) warns about
    // keys in lists; the production build that the bundle must hold has no such text
    const bundle = readFileSync(join(REPO, 'dist/ui/render.bundle.js'), 'utf8');
    expect(bundle).toContain('useSyncExternalStore');
    expect(bundle).not.toContain('Each child in a list should have a unique');
  });

  it('n at the plan review applies nothing', async () => {
    const before = await keepaliveTimes(lab);
    expect(new Set(before.values())).toEqual(new Set(['7200']));
    const s = startApply(lab, work, 'decline', []);
    const review = await waitScreen(s, (x) => x.includes('y/N'), 'the plan review', 60_000);
    expect(review).toContain(`Plan for apply tui-e2e: ${HOSTS} hosts, ${HOSTS} would change`);
    expect(review).toContain(
      `${HOSTS} hosts: tcp_keepalive_intvl 75 → 15, tcp_keepalive_time 7200 → 120`,
    );
    expect(review).toContain(`Apply to ${HOSTS} hosts? y/N`);
    keys(s, 'n');
    const end = await waitScreen(s, (x) => /SFEXIT=\d+/.test(x), 'the exit');
    expect(end).toContain('declined: nothing changed');
    expect(end).toContain('not applied.');
    expect(end).toContain('SFEXIT=0');
    expect(await keepaliveTimes(lab)).toEqual(before);
    for (const h of lab.hosts)
      expect(existsSync(join(h.backing.etcSysctlD, '60-tui-e2e.conf'))).toBe(false);
  }, 180_000);

  it('y, then scroll, detail, filter and abort during the live rollout', async () => {
    for (const h of SLOW) await lab.latency(h, SLOW_MS);
    const s = startApply(lab, work, 'rollout', [
      '--canary',
      String(CANARY),
      '--batch',
      String(BATCH),
    ]);
    const review = await waitScreen(s, (x) => x.includes('y/N'), 'the plan review', 90_000);
    expect(review).toContain(
      `${HOSTS} hosts: tcp_keepalive_intvl 75 → 15, tcp_keepalive_time 7200 → 120`,
    );
    keys(s, 'y');

    // Hosts waiting for a later wave are not "in flight": never more than a wave at once.
    let maxInFlight = 0;
    const watch = (x: string) => {
      const m = /(\d+) in flight/.exec(x);
      if (m) maxInFlight = Math.max(maxInFlight, Number(m[1]));
    };
    const live = await waitScreen(
      s,
      (x) => /^\d+ changed/m.test(x) && x.includes('wave 2 of'),
      'the canary done and wave 2 running',
      60_000,
      watch,
    );
    expect(live).toContain('confirmed: applying');
    expect(live).toMatch(/sysfleet apply {2}run \S+ {2}playbook tui-e2e {2}wave 2 of 6/);
    expect(live).toContain('↑↓ move');

    // Scroll: arrows move the selection, PgDn moves it by a page.
    const first = selectedRow(live);
    expect(first).toBeDefined();
    keys(s, 'Down', 'Down');
    const moved = await waitScreen(s, (x) => selectedRow(x) !== first, 'the selection to move');
    keys(s, 'NPage');
    await waitScreen(
      s,
      (x) => selectedRow(x) !== selectedRow(moved),
      'PgDn to move the selection',
      10_000,
      watch,
    );

    // Filter to one changed canary host (typed in one write, as a paste), open its details.
    typeText(s, '/h01');
    await waitScreen(s, (x) => x.includes('/h01▏'), 'the filter being typed');
    keys(s, 'Enter');
    const filtered = await waitScreen(
      s,
      (x) => x.includes(`filter "h01": 1 of ${HOSTS}`),
      'the filter applied',
      10_000,
      watch,
    );
    expect(filtered).not.toMatch(/^ {2}h02 /m);
    keys(s, 'Enter');
    const detail = await waitScreen(s, (x) => x.includes('h01 · changed'), 'the detail pane');
    expect(detail).toMatch(/tcp_keepalive_time +7200 → 120/);
    expect(detail).toMatch(/tcp_keepalive_intvl +75 → 15/);
    keys(s, 'Escape'); // clears the filter
    await waitScreen(s, (x) => !x.includes('filter "h01"'), 'the filter cleared');

    // Abort: hosts in flight finish, hosts not started are skipped.
    const atAbort = screen(s);
    expect(atAbort).toMatch(/\d+ pending/);
    keys(s, 'a');
    const end = await waitScreen(s, (x) => /SFEXIT=\d+/.test(x), 'the run to stop', 60_000);
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThanOrEqual(BATCH);

    // The summary is the last frame and stays on screen after the program exited.
    expect(end).toMatch(/sysfleet apply run \S+ finished in \S+ — exit 2/);
    expect(end).toContain('stopped (interrupted).');
    expect(end).toContain('SFEXIT=2');
    const counts = /^(\d+) changed {2}(\d+) skipped {2}of 20 hosts$/m.exec(end);
    expect(counts, `summary counts in:\n${end}`).not.toBeNull();
    const changed = Number(counts?.[1]);
    const skipped = Number(counts?.[2]);
    expect(changed + skipped).toBe(HOSTS);
    expect(skipped).toBeGreaterThan(0);
    expect(end).not.toContain('failed');

    // The kernel agrees with the screen: exactly the hosts reported changed were changed, the
    // last wave's hosts were never touched.
    const after = await keepaliveTimes(lab);
    expect([...after.values()].filter((v) => v === '120').length).toBe(changed);
    expect([...after.values()].filter((v) => v === '7200').length).toBe(skipped);
    expect(after.get('h01')).toBe('120');
    expect(after.get('h20')).toBe('7200');
  }, 300_000);
});
