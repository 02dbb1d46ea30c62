/**
 * Sharded runs on the lab, as a Kubernetes Indexed Job runs them: N processes of the BUILT
 * binary, each with the environment the manifests in deploy/kubernetes/ give a pod
 * (JOB_COMPLETION_INDEX, SYSFLEET_SHARDS, SYSFLEET_JOB_NAME/UID, `--shard auto`), side by side.
 * It proves: 3 shards merged give exactly the unsharded run (hosts, verdicts, exit code, every
 * output byte for byte apart from timings); a shard without a report makes its hosts unknown;
 * apply across shards shares one run id; rollback --from-hosts undoes one shard, then all.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labAvailable, labUp, type Lab } from './support/lab.js';
import { assertBuilt, sysfleet, type CliResult } from './support/check-cli.js';
import { readReport } from './support/check-formats.js';
import { untimed } from './support/untimed.js';
import { jobRunId, shardOf } from '../../src/shard/index.js';
import type { CheckReport } from '../../src/report/types.js';

const PLAYBOOK = fileURLToPath(new URL('../fixtures/playbooks/check-lab.yaml', import.meta.url));
const HOSTS = 12;
const SHARDS = 3;
const TIME = 'net.ipv4.tcp_keepalive_time';
const RIGHT = {
  [TIME]: '600',
  'net.ipv4.tcp_keepalive_intvl': '30',
  'net.ipv4.tcp_keepalive_probes': '5',
};
const names = Array.from({ length: HOSTS }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
/** Compliant hosts (runtime and file right); every other host drifts; one is down. */
const COMPLIANT = new Set(['h01', 'h02', 'h04', 'h05', 'h07', 'h08', 'h10', 'h11']);
const DOWN = 'h12';
const JOB = { name: 'sysfleet-compliance-29400000', uid: '6f1c2a1e-5b7d-4c4e-9a57-3f0e2b1d9c01' };
const RUN_ID = jobRunId(JOB.name, JOB.uid)!;
const TIMEOUT_S = 8;

let lab: Lab;
let work: string;
const out = (f: string): string => join(work, f);

/** The environment the Indexed Job gives pod `index` (deploy/kubernetes/compliance-cronjob.yaml). */
function podEnv(index: number): Record<string, string> {
  return {
    JOB_COMPLETION_INDEX: String(index),
    SYSFLEET_SHARDS: String(SHARDS),
    SYSFLEET_JOB_NAME: JOB.name,
    SYSFLEET_JOB_UID: JOB.uid,
  };
}

function cli(
  args: string[],
  env: Record<string, string> = {},
  state = 'state',
): Promise<CliResult> {
  return sysfleet(args, { stateDir: out(state), env, timeoutMs: 120_000 });
}

const hostArgs = (): string[] => [
  '-i',
  lab.inventoryPath,
  '--known-hosts',
  lab.knownHostsPath,
  '--timeout',
  String(TIMEOUT_S),
];

async function setCompliant(host: string): Promise<void> {
  writeFileSync(
    join(lab.host(host).backing.etcSysctlD, '60-check-lab.conf'),
    Object.entries(RIGHT)
      .map(([k, v]) => `${k} = ${v}\n`)
      .join(''),
    { mode: 0o644 },
  );
  const r = await lab.exec(
    host,
    ['sysctl', '-q', '-w', ...Object.entries(RIGHT).map(([k, v]) => `${k}=${v}`)],
    {
      timeoutMs: 10_000,
    },
  );
  if (r.code !== 0) throw new Error(`${host}: sysctl -w failed: ${r.stderr}`);
}

async function runtimeTime(host: string): Promise<string> {
  const r = await lab.exec(host, ['sysctl', '-n', TIME], { timeoutMs: 10_000 });
  return r.stdout.trim();
}

beforeAll(async () => {
  if (!labAvailable) return;
  assertBuilt();
  work = mkdtempSync(join(tmpdir(), 'sf-shard-'));
  lab = await labUp({ name: 'shd', hosts: HOSTS, sudoPasswordHosts: 0 });
  for (const h of COMPLIANT) await setCompliant(h);
  await lab.stop(DOWN);
}, 120_000);

afterAll(async () => {
  await lab?.down();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!labAvailable)('sharded check, merged', () => {
  const outputs = (prefix: string) => [
    '--json',
    out(`${prefix}.json`),
    '--junit',
    out(`${prefix}.xml`),
    '--prometheus',
    out(`${prefix}.prom`),
  ];
  let whole: CliResult;
  let wholeNagios: CliResult;
  let shards: CliResult[];

  beforeAll(async () => {
    if (!labAvailable) return;
    whole = await cli(['check', ...hostArgs(), PLAYBOOK, '--run-id', RUN_ID, ...outputs('whole')]);
    wholeNagios = await cli(['check', ...hostArgs(), PLAYBOOK, '--run-id', RUN_ID, '--nagios']);
    // The pods of the Indexed Job, side by side, as deploy/kubernetes runs them.
    shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, k) =>
        cli(
          [
            'check',
            ...hostArgs(),
            PLAYBOOK,
            '--shard',
            'auto',
            '--exit-zero',
            '--json',
            out(`shard-${k}.json`),
          ],
          podEnv(k),
          `state-${k}`,
        ),
      ),
    );
  }, 300_000);

  it('the unsharded run sees drift, compliance and a host down (exit 2)', () => {
    expect(whole.code).toBe(2);
    const r = readReport(out('whole.json'));
    expect(r.runId).toBe(RUN_ID);
    expect(r.hosts.map((h) => [h.host, h.outcome])).toEqual(
      names.map((h) => [h, h === DOWN ? 'unknown' : COMPLIANT.has(h) ? 'compliant' : 'drift']),
    );
  });

  it('each pod checked exactly its rendezvous slice, under the run id the Job gives', () => {
    for (const [k, s] of shards.entries()) {
      expect(s.code, s.stderr).toBe(0);
      const r = readReport(out(`shard-${k}.json`));
      expect(r.runId).toBe(RUN_ID);
      expect(r.shard).toMatchObject({ index: k, count: SHARDS, fleet: { hosts: HOSTS } });
      expect(r.hosts.map((h) => h.host)).toEqual(names.filter((h) => shardOf(h, SHARDS) === k));
    }
  });

  it('merged, every output is the unsharded run byte for byte apart from timings', async () => {
    const m = await cli([
      'report',
      'merge',
      out('shard-0.json'),
      out('shard-1.json'),
      out('shard-2.json'),
      ...outputs('merged'),
    ]);
    const mNagios = await cli([
      'report',
      'merge',
      out('shard-2.json'),
      out('shard-0.json'),
      out('shard-1.json'),
      '--nagios',
    ]);
    expect([m.code, mNagios.code]).toEqual([whole.code, wholeNagios.code]);
    expect(untimed('text', m.stdout)).toBe(untimed('text', whole.stdout));
    expect(untimed('nagios', mNagios.stdout)).toBe(untimed('nagios', wholeNagios.stdout));
    for (const [ext, kind] of [
      ['json', 'json'],
      ['xml', 'junit'],
      ['prom', 'prom'],
    ] as const) {
      const merged = readFileSync(out(`merged.${ext}`), 'utf8');
      expect(untimed(kind, merged)).toBe(untimed(kind, readFileSync(out(`whole.${ext}`), 'utf8')));
      expect(untimed(kind, merged)).not.toBe(merged); // the normalisation touched only timings
    }
    const merged: CheckReport = readReport(out('merged.json'));
    expect(merged.shard).toBeUndefined();
  });

  it('a shard that wrote no report: its hosts are unknown, never compliant; without -i it is an error', async () => {
    const lost = names.filter((h) => shardOf(h, SHARDS) === 1);
    expect(lost.some((h) => COMPLIANT.has(h))).toBe(true);
    const bare = await cli([
      'report',
      'merge',
      out('shard-0.json'),
      out('shard-2.json'),
      '--json',
      out('bare.json'),
    ]);
    expect(bare.code).toBe(3);
    expect(bare.stderr).toMatch(/shard 1\/3: no report among the 2 given/);
    expect(existsSync(out('bare.json'))).toBe(false);

    const m = await cli([
      'report',
      'merge',
      '-i',
      lab.inventoryPath,
      out('shard-0.json'),
      out('shard-2.json'),
      '--json',
      out('failed.json'),
    ]);
    expect(m.stderr).toMatch(
      new RegExp(`shard 1/3 wrote no report: its ${lost.length} host\\(s\\) are reported unknown`),
    );
    const r = readReport(out('failed.json'));
    const w = readReport(out('whole.json'));
    expect(r.hosts.map((h) => h.host)).toEqual(names);
    for (const [i, h] of r.hosts.entries()) {
      if (lost.includes(h.host))
        expect([h.outcome, h.error?.kind]).toEqual(['unknown', 'shard-failed']);
      else expect(h).toEqual(w.hosts[i]);
    }
    expect(m.code).toBe(2); // drift on the other shards still beats unknown, as in one run
  });

  it('facts --shard 1/3 gathers exactly that slice', async () => {
    const f = await cli(['facts', ...hostArgs(), '--shard', '1/3', '--keys', TIME]);
    expect(f.code, f.stderr).toBe(0); // the host that is down is in shard 2
    expect(Object.keys(JSON.parse(f.stdout) as object)).toEqual(
      names.filter((h) => shardOf(h, SHARDS) === 1),
    );
  });

  it('a shard of another fleet (different --limit) is refused, naming it', async () => {
    const s = await cli(
      [
        'check',
        ...hostArgs(),
        '--limit',
        '!h03',
        PLAYBOOK,
        '--shard',
        'auto',
        '--exit-zero',
        '--json',
        out('odd-1.json'),
      ],
      podEnv(1),
      'state-odd',
    );
    expect(s.code, s.stderr).toBe(0);
    const m = await cli([
      'report',
      'merge',
      out('shard-0.json'),
      out('odd-1.json'),
      out('shard-2.json'),
    ]);
    expect(m.code).toBe(3);
    expect(m.stderr).toMatch(
      /odd-1.json \(shard 1\/3\): fleet \(inventory hosts, addresses and --limit\) is sha256:/,
    );
  });
});

describe.skipIf(!labAvailable)('apply across shards, rollback from the hosts', () => {
  const before = new Map<string, string>();

  beforeAll(async () => {
    if (!labAvailable) return;
    await lab.start(DOWN);
    for (const h of names) before.set(h, await runtimeTime(h));
  }, 120_000);

  it('3 apply pods share the Job run id; each changes only its slice', async () => {
    const runs = await Promise.all(
      Array.from({ length: SHARDS }, (_, k) =>
        cli(
          ['apply', ...hostArgs(), PLAYBOOK, '--shard', 'auto', '--yes', '--plain'],
          podEnv(k),
          `apply-${k}`,
        ),
      ),
    );
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`run ${RUN_ID}: `));
    }
    for (const h of names) expect(await runtimeTime(h)).toBe('600');
  }, 180_000);

  it('rollback --from-hosts of one shard restores only its hosts, from any control node', async () => {
    const one = names.filter((h) => shardOf(h, SHARDS) === 2);
    const r = await cli(
      ['rollback', RUN_ID, '--yes', '--from-hosts', ...hostArgs(), '--shard', '2/3', '--plain'],
      {},
      'elsewhere',
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `rollback of ${RUN_ID}: ${one.filter((h) => before.get(h) !== '600').length} restored`,
      ),
    );
    for (const h of names)
      expect(await runtimeTime(h)).toBe(one.includes(h) ? before.get(h) : '600');
  }, 120_000);

  it('then the whole run: every host back as it was', async () => {
    const r = await cli(
      ['rollback', RUN_ID, '--yes', '--from-hosts', ...hostArgs(), '--plain'],
      {},
      'elsewhere-2',
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const h of names) expect(await runtimeTime(h)).toBe(before.get(h));
  }, 120_000);
});
