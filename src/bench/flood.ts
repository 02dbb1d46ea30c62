/**
 * A host that floods its output (issue 13): one lab host prints BYTES (default 1 GB) before
 * every command while the other hosts of the lab work, and `sysfleet check` runs over all of
 * them. Measured with GNU time on the sysfleet process, against the same check without the flood:
 * the controller's max RSS growth (goal < 50 MB), the wall time past the command timeout for a
 * host that dribbles under the cap until the timeout (goal < 2 s), and whether the other hosts'
 * results are unaffected (every one reachable, with a verdict).
 *
 *   npm run bench -- flood [--hosts 50] [--bytes 1000000000] [--timeout 20] [--name floodbench]
 *
 * Needs root (the lab) and a built dist/. Tears its lab and temp dir down, also on failure.
 * The flood: the host's sshd gets `ForceCommand` running a script that prints the bytes and then
 * the command it was asked for (sshd reads its config at each connection).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labUp, type Lab } from '../lab/index.js';
import { parseTimeOutput, type TimeOutput } from './time-output.js';
import { sysfleet } from './tools.js';

const PLAYBOOK = fileURLToPath(new URL('../../playbooks/nat-keepalive.yaml', import.meta.url));
const RUN_LIMIT_MS = 10 * 60_000;

interface Args {
  hosts: number;
  bytes: number;
  timeout: number;
  name: string;
}

function parseArgs(argv: string[]): Args {
  const get = (flag: string, dflt: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  const a = {
    hosts: Number(get('--hosts', '50')),
    bytes: Number(get('--bytes', '1000000000')),
    timeout: Number(get('--timeout', '20')),
    name: get('--name', 'floodbench'),
  };
  for (const k of ['hosts', 'bytes', 'timeout'] as const) {
    if (!Number.isSafeInteger(a[k]) || a[k] < 1) throw new Error(`--${k}: a whole number >= 1`);
  }
  if (a.hosts < 2) throw new Error('--hosts: at least 2 (one floods, the others work)');
  return a;
}

interface Run {
  time: TimeOutput;
  /** Epoch seconds when the sysfleet process had exited. */
  endedAt: number;
  hosts: { host: string; reachable: boolean; outcome: string; error?: { message: string } }[];
}

/** `sysfleet check` over the lab under GNU time, with its JSON report. */
async function check(lab: Lab, dir: string, tag: string, timeoutS: number): Promise<Run> {
  const timeFile = join(dir, `${tag}.time`);
  const json = join(dir, `${tag}.json`);
  // the command line the other benches measure, plus the timeout and a JSON report
  const cmd = sysfleet('check', lab, PLAYBOOK, join(dir, 'state'));
  const argv = [
    '-o',
    timeFile,
    '-f',
    '%e %U %S %M',
    ...cmd.argv,
    '--command-timeout',
    String(timeoutS),
    '--json',
    json,
  ];
  const child = spawn('/usr/bin/time', argv, { stdio: 'ignore', env: cmd.env });
  const killer = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  await new Promise((r) => child.on('exit', r));
  const endedAt = Date.now() / 1000;
  clearTimeout(killer);
  const time = parseTimeOutput(readFileSync(timeFile, 'utf8'));
  if (!time) throw new Error(`${tag}: no GNU time output in ${timeFile}`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { hosts: Run['hosts'] };
  return { time, endedAt, hosts: report.hosts };
}

/** Make HOST print `script`'s output before every command it runs. */
function flood(lab: Lab, host: string, script: string): void {
  const etc = lab.host(host).backing.etcSsh;
  // the moment the command started, for "how long after its timeout did sysfleet end"
  const stamp = 'date +%s.%N >/etc/ssh/flood-start';
  writeFileSync(
    join(etc, 'flood.sh'),
    `${stamp}\n${script}\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n`,
  );
  const conf = join(etc, 'sshd_config');
  const base = readFileSync(conf, 'utf8').replace(/^ForceCommand .*\n/m, '');
  writeFileSync(conf, `ForceCommand /bin/sh /etc/ssh/flood.sh\n${base}`);
}

function others(run: Run, flooder: string): { ok: number; of: number } {
  const rest = run.hosts.filter((h) => h.host !== flooder);
  return { ok: rest.filter((h) => h.reachable && h.outcome !== 'unknown').length, of: rest.length };
}

/** `npm run bench -- flood ...` (src/bench/main.ts dispatches here). */
export async function floodBench(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const dir = mkdtempSync(join(tmpdir(), 'sf-floodbench-'));
  let lab: Lab | undefined;
  try {
    lab = await labUp({ name: args.name, hosts: args.hosts, sudoPasswordHosts: 0, owner: 'bench' });
    const flooder = lab.hosts[0]!.name;
    const base = await check(lab, dir, 'base', args.timeout);
    flood(lab, flooder, `head -c ${args.bytes} /dev/zero | tr '\\0' x`);
    const loud = await check(lab, dir, 'flood', args.timeout);
    // under the cap, until the command timeout: 32 KiB a second
    flood(lab, flooder, 'while :; do head -c 32768 /dev/zero | tr "\\0" x; sleep 1; done');
    const slow = await check(lab, dir, 'slow', args.timeout);
    const started = Number(
      readFileSync(join(lab.host(flooder).backing.etcSsh, 'flood-start'), 'utf8'),
    );
    const past = slow.endedAt - (started + args.timeout);
    const mb = (kib: number) => (kib / 1024).toFixed(1);
    const f = loud.hosts.find((h) => h.host === flooder);
    const s = slow.hosts.find((h) => h.host === flooder);
    const lines = [
      `flood bench: ${args.hosts} hosts, ${flooder} prints ${args.bytes} bytes before each command; command timeout ${args.timeout} s`,
      `baseline check:  wall ${base.time.elapsedS.toFixed(2)} s, max RSS ${mb(base.time.maxRssKiB)} MiB, others ok ${others(base, flooder).ok}/${others(base, flooder).of}`,
      `flooding host:   wall ${loud.time.elapsedS.toFixed(2)} s, max RSS ${mb(loud.time.maxRssKiB)} MiB (growth ${mb(loud.time.maxRssKiB - base.time.maxRssKiB)} MiB, goal < 50), others ok ${others(loud, flooder).ok}/${others(loud, flooder).of}`,
      `                 ${flooder}: ${f?.outcome ?? '?'} — ${f?.error?.message ?? '(no error)'}`,
      `dribbling host:  wall ${slow.time.elapsedS.toFixed(2)} s; sysfleet ended ${past.toFixed(2)} s after the host's command reached its ${args.timeout} s timeout (goal < 2), max RSS ${mb(slow.time.maxRssKiB)} MiB, others ok ${others(slow, flooder).ok}/${others(slow, flooder).of}`,
      `                 ${flooder}: ${s?.outcome ?? '?'} — ${s?.error?.message ?? '(no error)'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await lab?.down();
    rmSync(dir, { recursive: true, force: true });
  }
}
