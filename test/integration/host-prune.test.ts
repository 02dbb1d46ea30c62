/**
 * The host store's retention (src/apply/host/prune.sh): an apply removes the snapshot and results
 * of old runs beyond the newest 200 when nothing of them is left to undo, and keeps every other.
 * First the function itself under dash, busybox sh and bash (a throwaway directory, no root
 * needed), then one real apply on a lab host, which shows the program's header wires it in.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostFile } from '../../src/apply/host/load.js';
import { PLAYBOOK, cli, labArgs, runIdOf, sysfleetFiles, withLab } from './support/fleet-state.js';
import { labAvailable } from './support/lab.js';
import { inCi, SHELL_BINARIES } from './support/shells.js';

const work = mkdtempSync(join(tmpdir(), 'sf-prune-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const final = (...fields: string[]): string =>
  `@@sf\tkey\tkey=net.core.somaxconn\n@@sf\tfinal\t${fields.join('\t')}\n`;

/** The oldest runs, each with what its results say; `keep` is the verdict of the rule. */
const CASES: { id: string; apply?: string; part?: boolean; rollback?: string; keep: boolean }[] = [
  { id: '20200101T000000Z-000a', apply: final('state=changed'), keep: true },
  {
    id: '20200102T000000Z-000b',
    apply: final('state=changed'),
    rollback: final('state=rolled_back', 'restored=2'),
    keep: false,
  },
  { id: '20200103T000000Z-000c', apply: final('state=unchanged'), keep: false },
  {
    id: '20200104T000000Z-000d',
    apply: final('state=reverted', 'left=unchanged', 'reason=EINVAL on net.x'),
    keep: false,
  },
  { id: '20200105T000000Z-000e', part: true, keep: true },
  {
    id: '20200106T000000Z-000f',
    apply: final('state=failed', 'left=changed', 'reason=x; restoring failed for: net.x'),
    keep: true,
  },
  {
    id: '20200107T000000Z-0010',
    apply: final('state=changed'),
    rollback: final('state=partial', 'restored=1', 'skipped=1', 'reason=1 item(s) changed again'),
    keep: true,
  },
  {
    id: '20200108T000000Z-0011',
    apply: final('state=failed', 'reason=cannot write snapshot: No space; nothing was changed'),
    keep: false,
  },
];
const NEWER = 200;
const newerId = (i: number): string =>
  `20210101T${String(i).padStart(6, '0')}Z-${i.toString(16).padStart(4, '0')}`;

/** A host store: CASES, then NEWER settled runs, then a foreign file. */
function store(name: string): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'snapshots'), { recursive: true });
  mkdirSync(join(dir, 'results'), { recursive: true });
  const snap = (id: string) => writeFileSync(join(dir, 'snapshots', `${id}.snap`), 'x\n');
  for (const c of CASES) {
    snap(c.id);
    if (c.apply) writeFileSync(join(dir, 'results', `${c.id}.apply.result`), c.apply);
    if (c.part) writeFileSync(join(dir, 'results', `${c.id}.apply.result.part`), '@@sf\tkey\n');
    if (c.rollback) writeFileSync(join(dir, 'results', `${c.id}.rollback.result`), c.rollback);
  }
  for (let i = 0; i < NEWER; i++) {
    snap(newerId(i));
    writeFileSync(join(dir, 'results', `${newerId(i)}.apply.result`), final('state=unchanged'));
  }
  writeFileSync(join(dir, 'snapshots', 'notes.snap'), 'not ours\n');
  return dir;
}

function prune(shell: string, dir: string, vars: Record<string, string>): void {
  const [cmd, ...args] = shell.split(' ');
  const set = Object.entries(vars)
    .map(([k, v]) => `${k}='${v}'\n`)
    .join('');
  const r = spawnSync(cmd!, [...args, '-s'], {
    // after lib.sh, which sets SF_DIR to /var/lib/sysfleet
    input: `${hostFile('lib.sh')}\nSF_DIR='${dir}'\nSF_RUN='29991231T000000Z-ffff'\n${set}${hostFile('prune.sh')}\nsf_prune_runs\n`,
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
}

const SHELLS = {
  dash: SHELL_BINARIES.dash,
  busybox: SHELL_BINARIES.busybox && `${SHELL_BINARIES.busybox} sh`,
  bash: SHELL_BINARIES.bash,
};

describe('sf_prune_runs (real shells)', () => {
  it.runIf(inCi)('finds all three shells (required in CI)', () => {
    for (const [name, found] of Object.entries(SHELLS)) expect(found, name).toBeTruthy();
  });

  describe.each(Object.entries(SHELLS).filter(([, s]) => s !== undefined))('%s', (name, sh) => {
    const ls = (dir: string, sub: string) => readdirSync(join(dir, sub)).sort();

    it('removes settled old runs beyond the newest 200, keeps every run that may need undoing', () => {
      const dir = store(`${name}-all`);
      // CASES.length + NEWER run snapshots (the foreign file is not a run's): CASES are beyond 200
      prune(sh!, dir, { SF_PRUNE_KEEP: '200', SF_PRUNE_BEFORE: '20260101' });
      const snaps = ls(dir, 'snapshots');
      for (const c of CASES) expect(snaps.includes(`${c.id}.snap`), c.id).toBe(c.keep);
      const results = ls(dir, 'results');
      for (const c of CASES.filter((c) => !c.keep)) {
        expect(
          results.filter((r) => r.startsWith(c.id)),
          c.id,
        ).toEqual([]);
      }
      expect(results).toContain('20200101T000000Z-000a.apply.result');
      expect(results).toContain('20200105T000000Z-000e.apply.result.part');
      expect(snaps).toContain('notes.snap');
      expect(snaps.filter((s) => s.startsWith('2021'))).toHaveLength(NEWER);
    });

    it('keeps runs from the cutoff day on, and everything while there are no more than N', () => {
      const dir = store(`${name}-cut`);
      prune(sh!, dir, { SF_PRUNE_KEEP: '200', SF_PRUNE_BEFORE: '20200104' });
      const snaps = ls(dir, 'snapshots');
      // only the settled runs before 2020-01-04 went
      expect(CASES.filter((c) => !snaps.includes(`${c.id}.snap`)).map((c) => c.id)).toEqual([
        '20200102T000000Z-000b',
        '20200103T000000Z-000c',
      ]);
      const few = store(`${name}-few`);
      prune(sh!, few, {
        SF_PRUNE_KEEP: String(CASES.length + NEWER + 1),
        SF_PRUNE_BEFORE: '20260101',
      });
      expect(ls(few, 'snapshots')).toHaveLength(CASES.length + NEWER + 1);
    });
  });
});

describe.skipIf(!labAvailable)('host retention on a real apply', () => {
  const t = withLab('prune', 1);

  it('an apply prunes the host store by the default rule', async () => {
    const { lab, ctl } = t;
    const v = lab.host('h01').backing.varLibSysfleet;
    for (const d of ['work', 'snapshots', 'results']) await mkdir(join(v, d), { recursive: true });
    const kept = '20200101T000000Z-aaaa'; // changed, never rolled back
    const gone = '20200102T000000Z-bbbb'; // changed nothing
    await writeFile(join(v, 'snapshots', `${kept}.snap`), 'x\n');
    await writeFile(join(v, 'results', `${kept}.apply.result`), final('state=changed'));
    await writeFile(join(v, 'snapshots', `${gone}.snap`), 'x\n');
    await writeFile(join(v, 'results', `${gone}.apply.result`), final('state=unchanged'));
    for (let i = 0; i < 200; i++) {
      await writeFile(join(v, 'snapshots', `${newerId(i)}.snap`), 'x\n');
      await writeFile(join(v, 'results', `${newerId(i)}.apply.result`), final('state=unchanged'));
    }

    const r = await cli(ctl, ['apply', ...labArgs(lab), PLAYBOOK, '--yes', '--plain']);
    expect(r.code, r.stderr).toBe(0);
    const runId = runIdOf(r.stdout);

    const snaps = await sysfleetFiles(lab, 'h01', 'snapshots');
    expect(snaps).toContain(`${kept}.snap`);
    expect(snaps).not.toContain(`${gone}.snap`);
    expect(snaps).toContain(`${runId}.snap`);
    expect(snaps).toHaveLength(202);
    expect(await sysfleetFiles(lab, 'h01', 'results')).not.toContain(`${gone}.apply.result`);
  }, 120_000);
});
