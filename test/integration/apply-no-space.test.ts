/**
 * A host that runs out of room: /var/lib/sysfleet (snapshot, program, result) or /etc/sysctl.d
 * (the persistent file) on a small tmpfs inside the lab host's own mount namespace, swept from 0
 * KiB free up to more than the run needs, four hosts (four free-space values) per run of the
 * built CLI; then the same with the control node killed -9 at random moments. At every step each
 * host is judged from outside sysfleet: either at the targets (runtime values and the boot file)
 * or byte-identical to before (runtime values and every entry of /etc/sysctl.d), never between,
 * and the run's record says which (changed, or failed/reverted with "no space left on ...").
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  PERSIST_FILE,
  PLAYBOOK,
  PLAYBOOK_VALUES,
  cli,
  labArgs,
  runIdOf,
  runtimeValues,
  startCli,
  storedRun,
  waitFor,
  withLab,
} from './support/fleet-state.js';
import { hostSysctlDir, limitSpace, releaseSpace, setRuntime } from './support/host-space.js';
import { labAvailable, type Lab } from './support/lab.js';

type Dir = '/var/lib/sysfleet' | '/etc/sysctl.d';

interface Seen {
  runtime: Record<string, string>;
  dir: string;
}

const NO_SPACE =
  /no space left on (\/var\/lib\/sysfleet|\/etc\/sysctl\.d): \d+ KiB free, \d+ KiB needed/;
const LIST_RESULTS = 'ls /var/lib/sysfleet/results 2>/dev/null | grep "apply.result$" || true';
const PERSIST_NAME = PERSIST_FILE.slice('/etc/sysctl.d/'.length);

async function seen(lab: Lab, host: string): Promise<Seen> {
  return { runtime: await runtimeValues(lab, host), dir: await hostSysctlDir(lab, host) };
}

function atTargets(s: Seen): boolean {
  const file = s.dir.split('\n').find((l) => l.startsWith(`${PERSIST_NAME} `));
  return (
    JSON.stringify(s.runtime) === JSON.stringify(PLAYBOOK_VALUES) &&
    file !== undefined &&
    / regular file 644 0:0 [0-9a-f]{64}$/.test(file)
  );
}

/** Each host: 'target' or 'before', or a description of how it is half-changed. */
function verdict(before: Seen, after: Seen): 'target' | 'before' | string {
  if (atTargets(after)) return 'target';
  if (JSON.stringify(after) === JSON.stringify(before)) return 'before';
  return `half-changed: ${JSON.stringify({ before, after })}`;
}

/** A small seeded PRNG (mulberry32): the kill moments are random but reproducible by seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.skipIf(!labAvailable)('no space left on a host', () => {
  const t = withLab('apnospace', 4);

  afterEach(async () => {
    // back to the hosts as they were: test tmpfs gone, runtime values as before the block
    for (const h of t.names ?? []) {
      await releaseSpace(t.lab, h);
      await setRuntime(t.lab, h, t.before[h]!.runtime);
    }
  }, 60_000);

  /** Limit DIR of host i to frees[i] KiB, apply, and judge every host. */
  async function step(dir: Dir, frees: number[]) {
    const { lab, ctl, names } = t;
    const before: Record<string, Seen> = {};
    for (const [i, h] of names.entries()) {
      await limitSpace(lab, h, dir, frees[i]!);
      before[h] = await seen(lab, h);
    }
    const r = await cli(ctl, ['apply', ...labArgs(lab), PLAYBOOK, '--yes', '--plain']);
    const run = await storedRun(ctl, runIdOf(r.stdout));
    const out: { free: number; verdict: string; state?: string; reason?: string }[] = [];
    for (const [i, h] of names.entries()) {
      const v = verdict(before[h]!, await seen(lab, h));
      const o = run.outcomes[h];
      out.push({ free: frees[i]!, verdict: v, ...(o ?? {}) });
      await releaseSpace(lab, h);
      await setRuntime(lab, h, t.before[h]!.runtime);
    }
    return out;
  }

  async function sweep(dir: Dir, frees: number[]) {
    const all: Awaited<ReturnType<typeof step>> = [];
    for (let i = 0; i < frees.length; i += 4) {
      const part = frees.slice(i, i + 4);
      while (part.length < 4) part.push(frees.at(-1)!);
      all.push(...(await step(dir, part)));
    }
    for (const s of all) {
      expect(['target', 'before'], JSON.stringify(s)).toContain(s.verdict);
      // the report says which
      if (s.verdict === 'target') expect(s.state, JSON.stringify(s)).toBe('changed');
      else {
        expect(['failed', 'reverted'], JSON.stringify(s)).toContain(s.state);
        expect(s.reason, JSON.stringify(s)).toMatch(NO_SPACE);
        expect(s.reason, JSON.stringify(s)).toMatch(/nothing was changed|reverted|unchanged/);
      }
    }
    // the sweep crosses the line: nothing fits at 0 KiB, everything at the top; and more room
    // never turns a success back into a refusal
    expect(all[0]!.verdict).toBe('before');
    expect(all.at(-1)!.verdict).toBe('target');
    const firstOk = all.findIndex((s) => s.verdict === 'target');
    expect(
      all.slice(firstOk).every((s) => s.verdict === 'target'),
      JSON.stringify(all),
    ).toBe(true);
    return all;
  }

  it('/var/lib/sysfleet from 0 KiB free up: each host fully applied or untouched, and told which', async () => {
    const frees = Array.from({ length: 28 }, (_, i) => i * 4); // 0 .. 108 KiB
    const all = await sweep('/var/lib/sysfleet', frees);
    console.log(`var/lib sweep: first fit at ${all.find((s) => s.verdict === 'target')?.free} KiB`);
  }, 240_000);

  it('/etc/sysctl.d from 0 KiB free up: the same', async () => {
    const frees = [0, 4, 8, 12, 16, 20, 24, 32];
    const all = await sweep('/etc/sysctl.d', frees);
    console.log(
      `sysctl.d sweep: first fit at ${all.find((s) => s.verdict === 'target')?.free} KiB`,
    );
  }, 120_000);

  it('kill -9 of the control node at random moments, little room: never half-changed', async () => {
    const { lab, ctl, names } = t;
    const seed = Number(process.env['SF_SPACE_SEED'] ?? Date.now() % 100_000);
    const rnd = prng(seed);
    for (let round = 0; round < 3; round++) {
      const before: Record<string, Seen> = {};
      const oldResults: Record<string, string> = {};
      for (const h of names) {
        await limitSpace(lab, h, '/var/lib/sysfleet', Math.floor(rnd() * 28) * 4);
        before[h] = await seen(lab, h);
        oldResults[h] = (await lab.exec(h, ['sh', '-c', LIST_RESULTS])).stdout;
      }
      const p = startCli(ctl, ['apply', ...labArgs(lab), PLAYBOOK, '--yes', '--plain']);
      const delay = Math.floor(rnd() * 2500);
      await new Promise((r) => setTimeout(r, delay));
      p.child.kill('SIGKILL');
      await p.done;
      // the hosts' detached workers finish on their own: wait until no host holds a lock
      const idle = await waitFor(
        async () => {
          for (const h of names) {
            const r = await lab.exec(h, ['test', '-L', '/var/lib/sysfleet/lock']);
            if (r.code === 0) return false;
          }
          return true;
        },
        30_000,
        200,
      );
      expect(idle, `seed ${seed} round ${round}: a host still holds its lock`).toBe(true);
      for (const h of names) {
        const v = verdict(before[h]!, await seen(lab, h));
        expect(
          ['target', 'before'],
          `seed ${seed} round ${round} delay ${delay} ${h}: ${v}`,
        ).toContain(v);
        // the host's own record agrees with what it is
        const fresh = (await lab.exec(h, ['sh', '-c', LIST_RESULTS])).stdout
          .split('\n')
          .filter((f) => f !== '' && !oldResults[h]!.split('\n').includes(f));
        const res = await lab.exec(h, [
          'sh',
          '-c',
          'for f in "$@"; do grep "^@@sf.final" "/var/lib/sysfleet/results/$f"; done; true',
          'sh',
          ...fresh,
        ]);
        if (v === 'target') expect(res.stdout, `${h} seed ${seed}`).toMatch(/state=changed/);
        else expect(res.stdout, `${h} seed ${seed}`).not.toMatch(/state=changed/);
        await releaseSpace(lab, h);
        await setRuntime(lab, h, t.before[h]!.runtime);
      }
    }
  }, 180_000);
});
