/**
 * Command line of `npm run bench -- [options]` (pure). Everything has a default so a bare
 * `npm run bench` does the run: N = 50 and 200, three runs each, Ansible included, then a
 * scale run without Ansible at 500 and 1000 hosts.
 */

export interface BenchArgs {
  /** Fleet sizes compared against Ansible and the floor. */
  hosts: number[];
  /** Fleet sizes for the sysfleet-and-floor-only scale run (may be empty). */
  scale: number[];
  /** Repetitions of every measurement; medians and min–max are over these. */
  runs: number;
  ansible: boolean;
  /** Count SSH connections per host per command with strace (one extra, untimed run). */
  countConnections: boolean;
  /** Where the raw measurements go as JSON (besides the table on stdout). */
  json?: string;
  /** Keep the temp dir (logs of every measured command, strace output). */
  keep: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [--hosts 50,200] [--scale 500,1000 | --no-scale] [--runs 3]
                        [--no-ansible] [--no-count-connections] [--json FILE] [--keep]
Brings up a lab per fleet size (loopback only), prepares drift, and measures sysfleet check,
apply --yes and rollback latest against Ansible (ansible.posix.sysctl, forks = N) and a bare
ssh2 floor. Needs root (the lab); takes minutes.
       npm run bench -- flood [--hosts 50] [--bytes 1000000000] [--timeout 20]
One lab host prints 1 GB before every command while the others work: controller RSS growth,
time past the timeout, the other hosts unaffected (src/bench/flood.ts).
       npm run bench -- merge [--hosts 50000] ...   report merge of shard reports (merge.ts).
       npm run bench -- gather [--keys 50,200,800] [--runs 3]   the gather script alone, per
shell and key count, on this machine (gather.ts).
       npm run bench -- timings [--hosts 50] [--runs 3]   where a check's time goes, phase by
phase (check --timings), beside the floor measured the same way (breakdown.ts).`;

const MAX_HOSTS = 2000;

function sizes(flag: string, value: string | undefined): number[] {
  if (value === undefined) throw new Error(`${flag}: missing value`);
  const list = value.split(',').map((s) => Number(s.trim()));
  for (const n of list) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS)
      throw new Error(
        `${flag}: expected comma-separated host counts 1-${MAX_HOSTS}, got "${value}"`,
      );
  }
  return [...new Set(list)].sort((a, b) => a - b);
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const out: BenchArgs = {
    hosts: [50, 200],
    scale: [500, 1000],
    runs: 3,
    ansible: true,
    countConnections: true,
    keep: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--':
        break;
      case '--hosts':
        out.hosts = sizes(flag, value());
        break;
      case '--scale':
        out.scale = sizes(flag, value());
        break;
      case '--no-scale':
        out.scale = [];
        break;
      case '--runs': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 20)
          throw new Error(`--runs: expected 1-20, got "${String(v)}"`);
        out.runs = n;
        break;
      }
      case '--keep':
        out.keep = true;
        break;
      case '--no-ansible':
        out.ansible = false;
        break;
      case '--no-count-connections':
        out.countConnections = false;
        break;
      case '--json': {
        const v = value();
        if (!v) throw new Error('--json: missing file');
        out.json = v;
        break;
      }
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        throw new Error(`unknown option "${a}"\n${USAGE}`);
    }
  }
  return out;
}
