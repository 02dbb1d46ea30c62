/**
 * Precedence against the real loaders (SYSFLEET_VM_FULL=1, per distro): for the corpus in
 * precedence-corpus.ts, the boot value sysfleet predicts from the files it gathered equals the
 * value after a real reboot (systemd-sysctl) and after `sysctl --system` (procps) in the guest.
 * `sysctl --system` is judged in the dialect of the guest's own procps (3.3 on bullseye: no globs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostFacts } from '../../src/facts/index.js';
import type { VmLab } from '../../src/lab/vm/index.js';
import { parseSysctlTool } from '../../src/facts/parseGather.js';
import {
  dialectOf,
  loadOrder,
  resolveKey,
  type Dialect,
  type Loader,
} from '../../src/plan/precedence.js';
import { vmDistros } from './matrix.js';
import { BOOT_LAYOUT, CORPUS_KEYS, RUN_LAYOUT, layoutScript } from './precedence-corpus.js';
import {
  cli,
  controlNode,
  guestValues,
  labArgs,
  SLOW_HOSTS,
  normalise,
  vmLabName,
  vmUp,
  type ControlNode,
} from './support.js';

const distros = vmDistros();

async function gathered(ctl: ControlNode, lab: VmLab): Promise<Record<string, HostFacts>> {
  const r = await cli(ctl, [
    'facts',
    ...labArgs(lab),
    ...SLOW_HOSTS,
    '--keys',
    CORPUS_KEYS.join(','),
  ]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, HostFacts>;
}

/** sysfleet's prediction per key; undefined = no file sets it (the value stays as it was). */
function predict(
  f: HostFacts,
  loader: Loader,
  dialect: Dialect = dialectOf(loader),
): Record<string, string | undefined> {
  const order = loadOrder(f.sysctlFiles, loader);
  return Object.fromEntries(
    CORPUS_KEYS.map((k) => {
      const r = resolveKey(order, k, dialect);
      return [k, r.boot ? normalise(r.boot.value) : undefined];
    }),
  );
}

function expectPredicted(
  what: string,
  predicted: Record<string, string | undefined>,
  actual: Record<string, string>,
  unchanged: Record<string, string>,
): void {
  const want = Object.fromEntries(CORPUS_KEYS.map((k) => [k, predicted[k] ?? unchanged[k]]));
  expect(actual, what).toEqual(want);
}

describe(`sysctl.d precedence vs systemd-sysctl and sysctl --system (${distros.join(', ')})`, () => {
  let lab: VmLab;
  let ctl: ControlNode;

  beforeAll(async () => {
    lab = await vmUp({ name: vmLabName('vmp'), distros });
    ctl = await controlNode(lab);
  });

  afterAll(async () => {
    await lab?.down();
    await ctl?.cleanup();
  });

  it('predicts the value after a real reboot and after sysctl --system', async () => {
    const names = lab.hosts.map((h) => h.name);
    const defaults: Record<string, Record<string, string>> = {};
    for (const h of names) {
      defaults[h] = await guestValues(lab, h, CORPUS_KEYS);
      await lab.shOk(h, layoutScript(BOOT_LAYOUT));
    }
    const before = await gathered(ctl, lab);
    expect(before[names[0]!]!.sysctlLoader).toBe('systemd');

    await Promise.all(names.map((h) => lab.reboot(h)));
    const boot: Record<string, Record<string, string>> = {};
    for (const h of names) {
      boot[h] = await guestValues(lab, h, CORPUS_KEYS);
      expectPredicted(
        `${h} (${lab.host(h).distro}) after reboot`,
        predict(before[h]!, 'systemd'),
        boot[h],
        defaults[h]!,
      );
    }

    for (const h of names) await lab.shOk(h, layoutScript(RUN_LAYOUT));
    const now = await gathered(ctl, lab);
    for (const h of names) {
      const version = await lab.shOk(h, 'sysctl --version\n');
      const tool = parseSysctlTool([`sysctl\t${version.trim()}`]);
      expect(tool, version).toMatch(/^procps-ng \d/);
      await lab.sh(h, 'sysctl --system >/dev/null 2>&1; true\n');
      const after = await guestValues(lab, h, CORPUS_KEYS);
      expectPredicted(
        `${h} (${lab.host(h).distro}, ${tool}) after sysctl --system`,
        predict(now[h]!, 'procps', dialectOf('procps', tool)),
        after,
        boot[h]!,
      );
    }
  });
});
