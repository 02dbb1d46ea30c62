/**
 * What the terminal UI costs: the same `sysfleet apply --yes` on one large lab, drawn by the ink
 * live view in a real terminal (tmux, 120x40) versus `--plain` lines into a file. Each run sets
 * a new net.ipv4.tcp_keepalive_time on every host (so every host really changes), modes alternate
 * their order, GNU time measures the sysfleet process (wall, user+sys CPU, max RSS; the lab's
 * sshd processes are not its children and are not counted). Reports medians.
 *
 *   node dist/bench/tui-overhead.js [--hosts 500] [--runs 5] [--name tuibench]
 *
 * Needs root (the lab), tmux, /usr/bin/time and a built dist/. Tears down its lab, tmux sessions
 * and temp dir, also on failure or Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDown, labUp, type Lab } from '../lab/index.js';
import { summarize, type Summary } from './stats.js';
import { parseTimeOutput, type TimeOutput } from './time-output.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const TIME = '/usr/bin/time';
const TMUX_SOCKET = `sftuibench-${process.pid}`;
/** Upper bound for one apply; a run past it is killed and the bench fails. */
const RUN_LIMIT_MS = 20 * 60_000;

type Mode = 'tui' | 'plain';
interface Sample {
  mode: Mode;
  run: number;
  time: TimeOutput;
}

function parseArgs(argv: string[]): { hosts: number; runs: number; name: string } {
  const get = (flag: string, dflt: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : dflt;
  };
  const hosts = Number(get('--hosts', '500'));
  const runs = Number(get('--runs', '5'));
  const name = get('--name', 'tuibench');
  if (!Number.isInteger(hosts) || hosts < 1) throw new Error('--hosts: a whole number >= 1');
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: a whole number >= 1');
  return { hosts, runs, name };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function applyArgv(lab: Lab, playbook: string, timeFile: string, plain: boolean): string[] {
  return [
    TIME,
    '-o',
    timeFile,
    '-f',
    '%e %U %S %M',
    process.execPath,
    CLI,
    'apply',
    '-i',
    lab.inventoryPath,
    '--known-hosts',
    lab.knownHostsPath,
    '--forks',
    String(lab.hosts.length),
    '--timeout',
    '60',
    playbook,
    '--yes',
    ...(plain ? ['--plain'] : []),
  ];
}

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', TMUX_SOCKET, ...args], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The live view in a 120x40 tmux pane; waits (bounded) for the shell to record the exit code. */
async function runTui(lab: Lab, dir: string, playbook: string, stateDir: string, run: number) {
  const timeFile = join(dir, `time-tui-${run}`);
  const doneFile = join(dir, `done-tui-${run}`);
  const session = `tui${run}`;
  const cmd = `env -u NO_COLOR -u CI TERM=xterm-256color SYSFLEET_STATE_DIR=${quote(stateDir)} ${applyArgv(lab, playbook, timeFile, false).map(quote).join(' ')}; echo $? > ${quote(doneFile)}`;
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', cmd + '; sleep 60');
  try {
    const started = Date.now();
    while (!existsSync(doneFile) && Date.now() - started < RUN_LIMIT_MS) await sleep(200);
    if (!existsSync(doneFile)) throw new Error(`tui run ${run}: no exit after ${RUN_LIMIT_MS} ms`);
    const screen = tmux('capture-pane', '-p', '-t', session);
    if (!screen.includes(`${lab.hosts.length} changed`))
      throw new Error(`tui run ${run}: not every host changed; screen:\n${screen}`);
  } finally {
    spawnSync('tmux', ['-L', TMUX_SOCKET, 'kill-session', '-t', session]);
  }
  return readFileSync(timeFile, 'utf8');
}

/** Plain lines into a file (stdout and stderr are not a TTY). */
async function runPlain(lab: Lab, dir: string, playbook: string, stateDir: string, run: number) {
  const timeFile = join(dir, `time-plain-${run}`);
  const outFile = join(dir, `plain-${run}.log`);
  const fd = openSync(outFile, 'w');
  const [bin, ...args] = applyArgv(lab, playbook, timeFile, true);
  const child = spawn(bin!, args, {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, SYSFLEET_STATE_DIR: stateDir },
  });
  closeSync(fd);
  const timer = setTimeout(() => child.kill('SIGTERM'), RUN_LIMIT_MS);
  await new Promise<void>((res) => child.on('close', () => res()));
  clearTimeout(timer);
  const out = readFileSync(outFile, 'utf8');
  if (!new RegExp(`: ${lab.hosts.length} changed\\n`).test(out))
    throw new Error(`plain run ${run}: not every host changed:\n${out.slice(-2000)}`);
  return readFileSync(timeFile, 'utf8');
}

const fmt = (s: Summary | undefined, digits = 2) =>
  s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '-';
const pct = (a?: Summary, b?: Summary) =>
  a && b && b.median > 0 ? `${(((a.median - b.median) / b.median) * 100).toFixed(1)} %` : '-';

function report(samples: Sample[], hosts: number): string {
  const pick = (mode: Mode, f: (t: TimeOutput) => number) =>
    summarize(samples.filter((s) => s.mode === mode).map((s) => f(s.time)));
  const cpu = (t: TimeOutput) => t.userS + t.sysS;
  const rows = [
    ['wall s', pick('tui', (t) => t.elapsedS), pick('plain', (t) => t.elapsedS)],
    ['CPU s (user+sys)', pick('tui', cpu), pick('plain', cpu)],
    [
      'max RSS MiB',
      pick('tui', (t) => t.maxRssKiB / 1024),
      pick('plain', (t) => t.maxRssKiB / 1024),
    ],
  ] as const;
  // Each run's two modes ran back to back: their CPU ratio is less exposed to load that changes
  // over minutes (a shared machine) than the ratio of the two medians.
  const paired = summarize(
    [...new Set(samples.map((s) => s.run))].flatMap((run) => {
      const [t, p] = (['tui', 'plain'] as const).map((m) =>
        samples.find((s) => s.run === run && s.mode === m),
      );
      return t && p && cpu(p.time) > 0 ? [(cpu(t.time) / cpu(p.time) - 1) * 100] : [];
    }),
  );
  const lines = [
    `apply on ${hosts} lab hosts, ${samples.length / 2} runs per mode; median (min–max)`,
    '',
    '| measure | TUI (tmux 120x40) | --plain (file) | TUI overhead |',
    '|---|---|---|---|',
    ...rows.map(([label, t, p]) => `| ${label} | ${fmt(t)} | ${fmt(p)} | ${pct(t, p)} |`),
    '',
    `CPU overhead per run (TUI vs the --plain run next to it): ${fmt(paired, 1)} %`,
    '',
    'per run (mode run: wall s, user s, sys s):',
    ...samples.map(
      (s) => `  ${s.mode.padEnd(5)} ${s.run}: ${s.time.elapsedS} ${s.time.userS} ${s.time.sysS}`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { hosts, runs, name } = parseArgs(process.argv.slice(2));
  for (const tool of [TIME, CLI])
    if (!existsSync(tool)) throw new Error(`${tool} missing (apt install time; npm run build)`);
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux missing');
  const dir = mkdtempSync(join(tmpdir(), 'sf-tui-bench-'));
  let lab: Lab | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    // Synchronous steps first: a signal during labUp may end the process before labDown settles.
    spawnSync('tmux', ['-L', TMUX_SOCKET, 'kill-server']);
    // The server leaves its socket file behind.
    const uid = process.getuid?.() ?? 0;
    rmSync(join(process.env['TMUX_TMPDIR'] ?? '/tmp', `tmux-${uid}`, TMUX_SOCKET), { force: true });
    rmSync(dir, { recursive: true, force: true });
    await labDown(name);
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const t0 = Date.now();
    lab = await labUp({ name, hosts });
    process.stderr.write(`lab ${name}: ${hosts} hosts up in ${Date.now() - t0} ms\n`);
    const samples: Sample[] = [];
    for (let run = 0; run < runs; run++) {
      const order: Mode[] = run % 2 === 0 ? ['tui', 'plain'] : ['plain', 'tui'];
      for (const [i, mode] of order.entries()) {
        // A value no earlier run set, so every host changes in every run.
        const value = 1000 + run * 2 + i;
        const playbook = join(dir, `pb-${run}-${mode}.yaml`);
        writeFileSync(
          playbook,
          `name: tui-bench\nwhy: UI overhead benchmark\npersist: 60-tui-bench\ntargets:\n  net.ipv4.tcp_keepalive_time: ${value}\n`,
        );
        const stateDir = join(dir, 'state');
        const text =
          mode === 'tui'
            ? await runTui(lab, dir, playbook, stateDir, run)
            : await runPlain(lab, dir, playbook, stateDir, run);
        const time = parseTimeOutput(text);
        if (!time || time.exitCode !== 0) throw new Error(`${mode} run ${run}: ${text}`);
        samples.push({ mode, run, time });
        process.stderr.write(
          `${mode} run ${run}: wall ${time.elapsedS} s, cpu ${(time.userS + time.sysS).toFixed(2)} s\n`,
        );
      }
    }
    process.stdout.write(`${report(samples, hosts)}\n`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`tui-overhead: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
