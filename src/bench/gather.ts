/**
 * `npm run bench -- gather [--keys 50,200,800] [--runs 3]`: the host side of a check, alone. Runs
 * the gather script exactly as a host gets it (buildGatherScript) on this machine under dash,
 * busybox sh and bash, for the first N readable net.* keys `sysctl -aN` lists, and prints wall time
 * (median, min–max) and output bytes per shell and key count. No lab, no root needed. The
 * figure that matters is how the time grows with N: it must stay about linear (a per-key lookup
 * into the whole text made it quadratic: 200 keys took 7.7 s of dash, 800 over 2 minutes).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { buildGatherScript } from '../facts/script.js';
import { formatSummary, summarize } from './stats.js';

const SHELLS: [string, string[]][] = [
  ['dash', ['/usr/bin/dash', '/bin/dash']],
  ['busybox sh', ['/usr/bin/busybox', '/bin/busybox']],
  ['bash', ['/usr/bin/bash', '/bin/bash']],
];

function readable(key: string): boolean {
  try {
    readFileSync(`/proc/sys/${key.replaceAll('.', '/')}`);
    return true;
  } catch {
    return false;
  }
}

function parse(argv: readonly string[]): { keys: number[]; runs: number } {
  const out = { keys: [50, 200, 800], runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = argv[++i] ?? '';
    if (flag === '--keys') out.keys = v.split(',').map(Number);
    else if (flag === '--runs') out.runs = Number(v);
    else throw new Error(`gather bench: unknown option ${flag}`);
  }
  for (const n of [...out.keys, out.runs]) {
    if (!Number.isInteger(n) || n < 1 || n > 100_000)
      throw new Error('gather bench: whole numbers');
  }
  return out;
}

export function gatherBench(argv: readonly string[]): void {
  const args = parse(argv);
  const all = execFileSync('sysctl', ['-aN'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .split('\n')
    // dotted names only (a name holding a `/`, an interface with a dot, is another key form),
    // and readable ones: an unreadable key costs the gather a `cat` for its error text, which
    // would hide how the rest grows
    .filter((k) => k.startsWith('net.') && !k.includes('/') && readable(k));
  const rows = [
    '| shell | keys | wall s, median (min–max) | output bytes |',
    '|---|---:|---|---:|',
  ];
  for (const [name, paths] of SHELLS) {
    const bin = paths.find((p) => existsSync(p));
    if (!bin) {
      rows.push(`| ${name} | — | not installed | — |`);
      continue;
    }
    const argv0 = name === 'busybox sh' ? [bin, 'sh', '-s'] : [bin, '-s'];
    for (const n of args.keys) {
      const keys = all.slice(0, n);
      const script = buildGatherScript(keys);
      const times: number[] = [];
      let bytes = 0;
      for (let r = 0; r < args.runs; r++) {
        const t0 = process.hrtime.bigint();
        const res = spawnSync(argv0[0]!, argv0.slice(1), {
          input: script,
          maxBuffer: 64 * 1024 * 1024,
          timeout: 600_000,
        });
        times.push(Number(process.hrtime.bigint() - t0) / 1e9);
        if (res.status !== 0) throw new Error(`${name}: gather exited ${res.status}`);
        bytes = res.stdout.length;
      }
      rows.push(`| ${name} | ${keys.length} | ${formatSummary(summarize(times), 3)} | ${bytes} |`);
    }
  }
  process.stdout.write(
    `gather bench: this machine, readable net.* keys of sysctl -aN (${all.length})\n\n${rows.join('\n')}\n`,
  );
}
